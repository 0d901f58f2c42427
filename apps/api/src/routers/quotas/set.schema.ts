import { z } from "zod";
import { QuotaModel, TenantId } from "../common.ts";

const limit = z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional();

export const ZSetInputSchema = z.strictObject({
  tenantId: TenantId,
  model: QuotaModel,
  inputTokensPerMinute: limit,
  inputTokensPerDay: limit,
  inputTokensPerMonth: limit,
  outputTokensPerMinute: limit,
  outputTokensPerDay: limit,
  outputTokensPerMonth: limit,
  totalTokensPerMinute: limit,
  totalTokensPerDay: limit,
  totalTokensPerMonth: limit,
  requestsPerMinute: z.int().min(0).max(2_147_483_647).nullable().optional(),
  concurrentRequests: z.int().min(0).max(2_147_483_647).nullable().optional(),
});
export type TSetInputSchema = z.output<typeof ZSetInputSchema>;
