import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZGetInputSchema = z.strictObject({ tenantId: TenantId });
export type TGetInputSchema = z.output<typeof ZGetInputSchema>;
