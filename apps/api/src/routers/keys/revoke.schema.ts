import { z } from "zod";
import { TenantId, Uuid } from "../common.ts";

export const ZRevokeInputSchema = z.strictObject({ tenantId: TenantId, keyId: Uuid });
export type TRevokeInputSchema = z.output<typeof ZRevokeInputSchema>;
