"use client";
// A tenant's token quotas per model with today's and this month's use against them.
import { Panel, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Meter } from "~/components/states";
import type { Quota, UsageSummary } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";
import { quotaUse } from "./usage";

function UseCell({ used, limit, label }: { used: number; limit: number | null; label: string }) {
  return (
    <>
      {limit ? <Meter value={used} max={limit} label={label} /> : null}
      <span className="small muted">
        {used.toLocaleString()} / {limit ? limit.toLocaleString() : "∞"}
      </span>
    </>
  );
}

export function QuotasPanel({
  tenantId,
  today,
  month,
}: {
  tenantId: string;
  today: UsageSummary | undefined;
  month: UsageSummary | undefined;
}) {
  const trpc = useTRPC();
  const quotas = useApiQuery(trpc.quotas.list.queryOptions({ tenantId }));
  const model = (q: Quota) => (q.model === "*" ? "all models" : q.model);
  return (
    <Panel
      id="quotas-h"
      title="Token quotas"
      rows={2}
      state={queryState(quotas, { when: quotas.data?.length === 0, title: "No quotas: unlimited" })}
    >
      <ResourceTable
        testId="quotas-table"
        items={quotas.data ?? []}
        rowKey={(q) => q.id}
        columns={[
          { id: "model", label: "Model", className: "mono", cell: model },
          {
            id: "today",
            label: "Today (total tokens)",
            width: "32%",
            cell: (q) => (
              <UseCell
                used={quotaUse(today, q.model)}
                limit={q.totalTokensPerDay}
                label={`${q.model} tokens today`}
              />
            ),
          },
          {
            id: "month",
            label: "This month",
            width: "32%",
            cell: (q) => (
              <UseCell
                used={quotaUse(month, q.model)}
                limit={q.totalTokensPerMonth}
                label={`${q.model} tokens this month`}
              />
            ),
          },
          { id: "rpm", label: "Req/min", numeric: true, cell: (q) => q.requestsPerMinute ?? "∞" },
        ]}
      />
    </Panel>
  );
}
