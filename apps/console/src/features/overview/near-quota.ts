"use client";
// Tenants nearest their daily token quota: per tenant, its quotas and today's usage by model.
import { useQueries } from "@tanstack/react-query";
import type { Quota, Tenant, UsageSummary } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

const today = () => new Date().toISOString().slice(0, 10);
/** At most this many tenants are checked (two calls each, every 30 s). */
const MAX_TENANTS = 25;

export interface NearQuotaRow {
  tenant: Tenant;
  model: string;
  used: number;
  limit: number;
  ratio: number;
}

export function usedToday(quota: Quota, usage: UsageSummary | undefined): number {
  if (quota.model === "*") return usage?.totals.totalTokens ?? 0;
  return usage?.rows.find((r) => r.model === quota.model)?.totalTokens ?? 0;
}

export function useTenantsNearQuota() {
  const trpc = useTRPC();
  const tenants = useApiQuery(trpc.tenants.list.queryOptions({}));
  const list = (tenants.data ?? []).slice(0, MAX_TENANTS);
  const day = today();
  const quotas = useQueries({
    queries: list.map((t) => ({
      ...trpc.quotas.list.queryOptions({ tenantId: t.id }),
      refetchInterval: 30_000,
    })),
  });
  const usage = useQueries({
    queries: list.map((t) => ({
      ...trpc.usage.summary.queryOptions({
        tenantId: t.id,
        from: day,
        to: day,
        groupBy: ["model"],
      }),
      refetchInterval: 30_000,
    })),
  });
  const rows: NearQuotaRow[] = list.flatMap((tenant, i) =>
    (quotas[i]?.data ?? []).flatMap((q) => {
      const limit = q.totalTokensPerDay ?? null;
      if (!limit) return [];
      const used = usedToday(q, usage[i]?.data);
      return [{ tenant, model: q.model, used, limit, ratio: used / limit }];
    }),
  );
  return { tenants, rows: rows.sort((a, b) => b.ratio - a.ratio) };
}
