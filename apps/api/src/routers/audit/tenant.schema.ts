import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZTenantInputSchema = z.strictObject({
  tenantId: TenantId,
  limit: z.coerce.number().int().min(1).max(500).default(100),
  beforeId: z.coerce.number().int().min(1).optional(),
});
export type TTenantInputSchema = z.output<typeof ZTenantInputSchema>;
