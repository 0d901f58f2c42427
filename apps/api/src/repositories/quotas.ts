import type { Db } from "./db.ts";

export const QUOTA_LIMIT_FIELDS = [
  "inputTokensPerMinute",
  "inputTokensPerDay",
  "inputTokensPerMonth",
  "outputTokensPerMinute",
  "outputTokensPerDay",
  "outputTokensPerMonth",
  "totalTokensPerMinute",
  "totalTokensPerDay",
  "totalTokensPerMonth",
] as const;
export type QuotaLimitField = (typeof QUOTA_LIMIT_FIELDS)[number];

export type QuotaLimits = Partial<Record<QuotaLimitField, number | null>> & {
  requestsPerMinute?: number | null;
  concurrentRequests?: number | null;
};

export function quotasRepository(db: Db) {
  const toDb = (limits: QuotaLimits) => {
    const out: Record<string, bigint | number | null> = {};
    for (const f of QUOTA_LIMIT_FIELDS) {
      const v = limits[f];
      if (v !== undefined) out[f] = v === null ? null : BigInt(v);
    }
    if (limits.requestsPerMinute !== undefined) out.requestsPerMinute = limits.requestsPerMinute;
    if (limits.concurrentRequests !== undefined) out.concurrentRequests = limits.concurrentRequests;
    return out;
  };
  return {
    list: (tenantId: string) =>
      db.tokenQuota.findMany({ where: { tenantId }, orderBy: { model: "asc" } }),
    find: (tenantId: string, model: string) =>
      db.tokenQuota.findUnique({ where: { tenantId_model: { tenantId, model } } }),
    upsert: (tenantId: string, model: string, limits: QuotaLimits) =>
      db.tokenQuota.upsert({
        where: { tenantId_model: { tenantId, model } },
        create: { tenantId, model, ...toDb(limits) },
        update: toDb(limits),
      }),
    remove: (tenantId: string, model: string) =>
      db.tokenQuota.deleteMany({ where: { tenantId, model } }),
  };
}
