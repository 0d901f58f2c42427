// Token and request quotas per tenant and model ("*" = every model without its own row).
import { notFound } from "../errors.ts";
import { num } from "../repositories/db.ts";
import { QUOTA_LIMIT_FIELDS } from "../repositories/quotas.ts";
import type { QuotaLimitField, QuotaLimits } from "../repositories/quotas.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";

type QuotaRow = Awaited<ReturnType<Repositories["quotas"]["list"]>>[number];

export const quotaDto = (q: QuotaRow) => {
  const limits = Object.fromEntries(QUOTA_LIMIT_FIELDS.map((f) => [f, num(q[f])])) as Record<
    QuotaLimitField,
    number | null
  >;
  return {
    id: q.id,
    tenantId: q.tenantId,
    model: q.model,
    ...limits,
    requestsPerMinute: q.requestsPerMinute,
    concurrentRequests: q.concurrentRequests,
    updatedAt: q.updatedAt,
  };
};

export function quotasService(deps: {
  repos: Repositories;
  audit: AuditService;
  onChange: () => void;
}) {
  const { repos, audit, onChange } = deps;
  return {
    list: async (tenantId: string) => (await repos.quotas.list(tenantId)).map(quotaDto),
    async set(caller: Caller, tenantId: string, model: string, limits: QuotaLimits) {
      if (!(await repos.tenants.findById(tenantId))) throw notFound("tenant");
      const prev = await repos.quotas.find(tenantId, model);
      const after = quotaDto(await repos.quotas.upsert(tenantId, model, limits));
      await audit.record(caller, {
        action: "quota.set",
        targetType: "TokenQuota",
        targetId: `${tenantId}/${model}`,
        tenantId,
        before: prev ? quotaDto(prev) : null,
        after,
      });
      onChange();
      return after;
    },
    async remove(caller: Caller, tenantId: string, model: string) {
      const prev = await repos.quotas.find(tenantId, model);
      if (!prev) throw notFound("quota");
      await repos.quotas.remove(tenantId, model);
      await audit.record(caller, {
        action: "quota.delete",
        targetType: "TokenQuota",
        targetId: `${tenantId}/${model}`,
        tenantId,
        before: quotaDto(prev),
      });
      onChange();
      return { removed: true };
    },
  };
}
export type QuotasService = ReturnType<typeof quotasService>;
