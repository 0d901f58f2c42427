"use client";
import Link from "next/link";
import { useQueries } from "@tanstack/react-query";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import {
  Badge,
  Empty,
  ErrorState,
  LastUpdated,
  Loading,
  Meter,
  PageHeader,
  Stat,
} from "~/components/states";
import { apiQuery } from "~/lib/api-client";
import { queryKey, useApiQuery, useList } from "~/lib/resources";
import { clusterTone, clustersOf, useClusters } from "~/lib/session";
import { type Deployment, type Quota, type Tenant, type UsageSummary } from "~/lib/types";
import { InventoryResource } from "../cluster/inventory";

/** Expected from the API (not offered yet): router-side serving metrics across clusters. */
export interface ServingMetrics {
  series: {
    t: string;
    requestsPerSecond: number;
    ttftP50Ms: number;
    ttftP95Ms: number;
    outputTokensPerSecond: number;
  }[];
}

const today = () => new Date().toISOString().slice(0, 10);

function useTenantsNearQuota(enabled: boolean) {
  const tenants = useApiQuery<Tenant[]>("tenants.list", { global: true }, {}, { enabled });
  const list = (tenants.data ?? []).slice(0, 25);
  const day = today();
  const per = useQueries({
    queries: list.flatMap((t) => [
      {
        queryKey: queryKey("quotas.list", { tenant: t.id }, { tenantId: t.id }),
        queryFn: () => apiQuery<Quota[]>("quotas.list", { tenantId: t.id }),
        refetchInterval: 30_000,
      },
      {
        queryKey: queryKey("usage.summary", { tenant: t.id }, { day }),
        queryFn: () =>
          apiQuery<UsageSummary>("usage.summary", {
            tenantId: t.id,
            from: day,
            to: day,
            groupBy: ["model"],
          }),
        refetchInterval: 30_000,
      },
    ]),
  });
  const rows = list.flatMap((t, i) => {
    const quotas = (per[2 * i]?.data ?? []) as Quota[];
    const usage = per[2 * i + 1]?.data as UsageSummary | undefined;
    return quotas.flatMap((q) => {
      const limit = q.totalTokensPerDay ?? null;
      if (!limit) return [];
      const used =
        q.model === "*"
          ? (usage?.totals.totalTokens ?? 0)
          : (usage?.rows.find((r) => r.model === q.model)?.totalTokens ?? 0);
      return [{ tenant: t, model: q.model, used, limit, ratio: used / limit }];
    });
  });
  return { tenants, rows: rows.sort((a, b) => b.ratio - a.ratio) };
}

export function Overview() {
  const clustersQ = useClusters();
  const clusters = clustersOf(clustersQ.data);
  const inventories = useList(
    InventoryResource,
    clusters.filter((c) => c.status !== "DISABLED"),
  );
  const deployments = useApiQuery<Deployment[]>("deployments.list", { global: true }, {});
  const metrics = useApiQuery<ServingMetrics>(
    "metrics.serving",
    { global: true },
    { window: "1h" },
  );
  const near = useTenantsNearQuota(true);

  const gpus = inventories.items.reduce(
    (a, i) => ({ total: a.total + i.gpus.allocatable, used: a.used + i.gpus.used }),
    { total: 0, used: 0 },
  );
  const healthy = clusters.filter((c) => c.status === "HEALTHY").length;
  const byState = new Map<string, number>();
  for (const d of deployments.data ?? []) byState.set(d.status, (byState.get(d.status) ?? 0) + 1);
  const updatedAt = Math.max(clustersQ.updatedAt, inventories.updatedAt, deployments.updatedAt);
  const gpuChart = inventories.items.map((i) => ({
    cluster: i.cluster,
    used: i.gpus.used,
    free: i.gpus.free,
  }));

  return (
    <>
      <PageHeader
        title="Overview"
        description="Every cluster at a glance: health, GPU capacity, deployments, traffic and quotas."
        actions={<LastUpdated at={updatedAt} />}
      />
      {clustersQ.error ? <ErrorState error={clustersQ.error} retry={clustersQ.refetch} /> : null}
      <div className="grid cols-4">
        <Stat
          label="Clusters healthy"
          value={clustersQ.isLoading ? "–" : `${healthy} / ${clusters.length}`}
          sub={
            clusters.length - healthy > 0
              ? `${clusters.length - healthy} need attention`
              : "all reachable"
          }
        />
        <Stat
          label="GPUs in use"
          value={inventories.isLoading ? "–" : `${gpus.used} / ${gpus.total}`}
          sub={
            gpus.total ? `${Math.round((100 * gpus.used) / gpus.total)}% allocated` : "no GPU nodes"
          }
        />
        <Stat
          label="Deployments"
          value={deployments.data ? deployments.data.length : "–"}
          sub={[...byState].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(" · ") || "none yet"}
        />
        <Stat
          label="Tenants near quota"
          value={near.tenants.data ? near.rows.filter((r) => r.ratio >= 0.8).length : "–"}
          sub="≥ 80% of a daily token quota"
        />
      </div>

      <div className="grid cols-2 section">
        <section className="card" aria-labelledby="gpu-h">
          <h2 id="gpu-h">GPU capacity by cluster</h2>
          {inventories.isLoading ? <Loading rows={4} /> : null}
          {inventories.errors.length ? (
            <ErrorState error={inventories.errors} retry={inventories.refetch} />
          ) : null}
          {!inventories.isLoading && gpuChart.length === 0 && !inventories.errors.length ? (
            <Empty title="No cluster inventory yet">Register a cluster to see its GPUs.</Empty>
          ) : null}
          {gpuChart.length ? (
            <div className="chart-box" role="img" aria-label="GPUs used and free per cluster">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={gpuChart} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="cluster" stroke="var(--muted)" fontSize={11} />
                  <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} width={36} />
                  <Tooltip
                    contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                  />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar
                    dataKey="used"
                    name="Used"
                    stackId="g"
                    fill="var(--c1)"
                    isAnimationActive={false}
                  />
                  <Bar
                    dataKey="free"
                    name="Free"
                    stackId="g"
                    fill="var(--c2)"
                    fillOpacity={0.35}
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
          ) : null}
        </section>
        <section className="card" aria-labelledby="traffic-h">
          <h2 id="traffic-h">Requests, TTFT and tokens per second</h2>
          {metrics.isLoading ? <Loading rows={4} /> : null}
          {metrics.error ? <ErrorState error={metrics.error} retry={metrics.refetch} /> : null}
          {metrics.data && metrics.data.series.length === 0 ? (
            <Empty title="No traffic in the last hour" />
          ) : null}
          {metrics.data?.series.length ? (
            <div
              className="chart-box"
              role="img"
              aria-label="Request rate, TTFT and output tokens per second over the last hour"
            >
              <ResponsiveContainer width="100%" height="100%">
                <LineChart
                  data={metrics.data.series}
                  margin={{ top: 8, right: 8, left: 0, bottom: 0 }}
                >
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                  <XAxis
                    dataKey="t"
                    stroke="var(--muted)"
                    fontSize={11}
                    tickFormatter={(t: string) => t.slice(11, 16)}
                  />
                  <YAxis yAxisId="l" stroke="var(--muted)" fontSize={11} width={40} />
                  <YAxis
                    yAxisId="r"
                    orientation="right"
                    stroke="var(--muted)"
                    fontSize={11}
                    width={44}
                  />
                  <Tooltip
                    contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                  />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Line
                    yAxisId="l"
                    dataKey="requestsPerSecond"
                    name="req/s"
                    stroke="var(--c1)"
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    yAxisId="l"
                    dataKey="outputTokensPerSecond"
                    name="tokens/s"
                    stroke="var(--c2)"
                    dot={false}
                    isAnimationActive={false}
                  />
                  <Line
                    yAxisId="r"
                    dataKey="ttftP95Ms"
                    name="TTFT p95 (ms)"
                    stroke="var(--c3)"
                    dot={false}
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          ) : null}
        </section>
      </div>

      <section className="section" aria-labelledby="clusters-h">
        <h2 id="clusters-h">Clusters</h2>
        {clustersQ.isLoading ? <Loading /> : null}
        {!clustersQ.isLoading && !clustersQ.error && clusters.length === 0 ? (
          <Empty title="No clusters registered">
            Register one with the API (clusters.register) or the CLI.
          </Empty>
        ) : null}
        {clusters.length ? (
          <div className="table-wrap">
            <table className="table" data-testid="clusters-table">
              <thead>
                <tr>
                  <th scope="col">Cluster</th>
                  <th scope="col">Health</th>
                  <th scope="col">Kubernetes</th>
                  <th scope="col" className="num">
                    Nodes
                  </th>
                  <th scope="col" style={{ width: 220 }}>
                    GPUs used
                  </th>
                  <th scope="col" className="num">
                    Deployments
                  </th>
                </tr>
              </thead>
              <tbody>
                {clusters.map((c) => {
                  const inv = inventories.items.find((i) => i.cluster === c.name);
                  return (
                    <tr key={c.id}>
                      <td>
                        <Link href={`/c/${encodeURIComponent(c.name)}`}>
                          {c.displayName || c.name}
                        </Link>
                        {c.region ? <span className="muted small"> · {c.region}</span> : null}
                      </td>
                      <td>
                        <Badge tone={clusterTone(c.status)}>{c.status.toLowerCase()}</Badge>
                        {c.statusMessage ? (
                          <div className="small muted">{c.statusMessage}</div>
                        ) : null}
                      </td>
                      <td className="mono">{c.kubernetesVersion ?? "–"}</td>
                      <td className="num">{inv ? inv.nodes.length : "–"}</td>
                      <td>
                        {inv ? (
                          <div className="row" style={{ flexWrap: "nowrap" }}>
                            <div style={{ flex: 1 }}>
                              <Meter
                                value={inv.gpus.used}
                                max={inv.gpus.allocatable}
                                label={`${c.name} GPUs used`}
                              />
                            </div>
                            <span className="small mono">
                              {inv.gpus.used}/{inv.gpus.allocatable}
                            </span>
                          </div>
                        ) : (
                          "–"
                        )}
                      </td>
                      <td className="num">
                        {
                          (deployments.data ?? []).filter(
                            (d) => d.clusterId === c.id && d.status !== "DELETED",
                          ).length
                        }
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section className="section" aria-labelledby="quota-h">
        <h2 id="quota-h">Tenants nearest their daily token quota</h2>
        {near.tenants.error ? <ErrorState error={near.tenants.error} /> : null}
        {near.tenants.data && near.rows.length === 0 ? (
          <Empty title="No daily token quotas set" />
        ) : null}
        {near.rows.length ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">Model</th>
                  <th scope="col" style={{ width: 260 }}>
                    Tokens today
                  </th>
                </tr>
              </thead>
              <tbody>
                {near.rows.slice(0, 8).map((r) => (
                  <tr key={`${r.tenant.id}/${r.model}`}>
                    <td>
                      <Link href={`/tenants/${r.tenant.id}`}>{r.tenant.name}</Link>
                    </td>
                    <td className="mono">{r.model === "*" ? "all models" : r.model}</td>
                    <td>
                      <Meter
                        value={r.used}
                        max={r.limit}
                        label={`${r.tenant.name} ${r.model} daily tokens`}
                      />
                      <span className="small muted">
                        {r.used.toLocaleString()} / {r.limit.toLocaleString()} (
                        {Math.round(r.ratio * 100)}%)
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
