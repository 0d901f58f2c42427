import { z } from "zod";
import { TenantId, Uuid } from "../common.ts";

export const ZGetInputSchema = z.strictObject({ tenantId: TenantId, keyId: Uuid });
export type TGetInputSchema = z.output<typeof ZGetInputSchema>;
