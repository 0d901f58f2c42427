import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZRecentInputSchema = z.strictObject({
  tenantId: TenantId,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type TRecentInputSchema = z.output<typeof ZRecentInputSchema>;
