"use client";
// One tenant: usage totals, API keys, quotas with their use, users, tokens by day and model, and
// cost showback. A tenant admin sees only their own tenant (the API answers 404 for any other).
import Link from "next/link";
import { useMemo } from "react";
import { Chart, PALETTE } from "~/components/charts";
import { PageShell, Panel, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Stat } from "~/components/states";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";
import { KeysPanel } from "./KeysPanel";
import { MembersPanel } from "./MembersPanel";
import { QuotasPanel } from "./QuotasPanel";
import { dayOf, tokensByDay, totalsByModel } from "./usage";

const DAYS = 30;

export function TenantDetail({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const tenant = useApiQuery(trpc.tenants.get.queryOptions({ tenantId }));
  const to = dayOf(0);
  const usage = useApiQuery(
    trpc.usage.summary.queryOptions({
      tenantId,
      from: dayOf(DAYS - 1),
      to,
      groupBy: ["day", "model"],
    }),
  );
  const today = useApiQuery(
    trpc.usage.summary.queryOptions({ tenantId, from: to, to, groupBy: ["model"] }),
  );
  const month = useApiQuery(
    trpc.usage.summary.queryOptions({
      tenantId,
      from: `${to.slice(0, 8)}01`,
      to,
      groupBy: ["model"],
    }),
  );

  const { chart, models, byModel } = useMemo(() => {
    const rows = usage.data?.rows ?? [];
    const days = Array.from({ length: DAYS }, (_, i) => dayOf(DAYS - 1 - i));
    return { ...tokensByDay(rows, days), byModel: totalsByModel(rows) };
  }, [usage.data]);
  const currency = usage.data?.currency ?? "USD";
  const money = (x: number) =>
    x.toLocaleString(undefined, { style: "currency", currency, maximumFractionDigits: 4 });
  const totals = usage.data?.totals;
  const t = tenant.data;

  return (
    <PageShell
      title={t?.name ?? "Tenant"}
      description={
        <>
          <span className="mono">{t?.slug}</span> · <Link href="/tenants">all tenants</Link>
        </>
      }
      updatedAt={Math.max(usage.updatedAt, today.updatedAt)}
      state={queryState(tenant)}
    >
      {t ? (
        <>
          <div className="grid cols-4">
            <Stat
              label="Requests (30 days)"
              testId="stat-requests"
              value={totals ? totals.requests.toLocaleString() : "–"}
              sub={
                totals
                  ? `${totals.errors} errors, ${totals.rateLimited} of them refused by a limit`
                  : undefined
              }
            />
            <Stat
              label="Tokens (30 days)"
              testId="stat-tokens"
              value={totals ? totals.totalTokens.toLocaleString() : "–"}
              sub={
                totals
                  ? `${totals.inputTokens.toLocaleString()} in · ${totals.outputTokens.toLocaleString()} out`
                  : undefined
              }
            />
            <Stat
              label="Tokens today"
              value={today.data ? today.data.totals.totalTokens.toLocaleString() : "–"}
            />
            <Stat
              label="Cost (30 days)"
              value={totals ? money(totals.cost) : "–"}
              sub="showback at platform prices"
            />
          </div>
          <div className="grid cols-2 section">
            <KeysPanel tenantId={tenantId} />
            <QuotasPanel tenantId={tenantId} today={today.data} month={month.data} />
          </div>
          <div className="section">
            <MembersPanel tenantId={tenantId} />
          </div>
          <Panel
            id="usage-h"
            title="Tokens by day and model"
            className="card section"
            rows={4}
            bodyMinHeight={260}
            state={queryState(usage, {
              when: usage.data?.rows.length === 0,
              title: "No usage in the last 30 days",
              hint: "Requests through the router with this tenant’s keys appear here.",
            })}
          >
            {usage.data?.rows.length ? (
              <Chart
                label="Total tokens per day, stacked by model"
                testId="usage-chart"
                data={chart}
                xKey="day"
                series={models.map((m, i) => ({
                  key: m,
                  name: m,
                  color: PALETTE[i % PALETTE.length] ?? "var(--c1)",
                  kind: "bar" as const,
                  stack: "t",
                }))}
              />
            ) : null}
          </Panel>
          <Panel
            id="cost-h"
            title="Cost showback by model (30 days)"
            className="section"
            state={{ empty: { when: byModel.length === 0, title: "Nothing to show back yet" } }}
          >
            <ResourceTable
              testId="cost-table"
              items={byModel}
              rowKey={(m) => m.model}
              columns={[
                { id: "model", label: "Model", className: "mono", cell: (m) => m.model },
                {
                  id: "requests",
                  label: "Requests",
                  numeric: true,
                  cell: (m) => m.requests.toLocaleString(),
                },
                {
                  id: "refused",
                  label: "Refused (429)",
                  numeric: true,
                  cell: (m) => m.rateLimited.toLocaleString(),
                },
                {
                  id: "input",
                  label: "Input tokens",
                  numeric: true,
                  cell: (m) => m.input.toLocaleString(),
                },
                {
                  id: "output",
                  label: "Output tokens",
                  numeric: true,
                  cell: (m) => m.output.toLocaleString(),
                },
                { id: "cost", label: "Cost", numeric: true, cell: (m) => money(m.cost) },
              ]}
            />
          </Panel>
        </>
      ) : null}
    </PageShell>
  );
}
