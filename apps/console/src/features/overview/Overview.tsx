"use client";
// Every cluster at a glance: health, GPU capacity, deployments by state, serving traffic and the
// tenants nearest their quota, plus the local cluster `npm start` is still bringing up.
import Link from "next/link";
import { Chart } from "~/components/charts";
import { fanOutState, PageShell, Panel } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Badge, Meter, Stat } from "~/components/states";
import { useApiQuery, useList } from "~/lib/resources";
import { clusterTone, clustersOf, useClusters } from "~/lib/session";
import { useTRPC } from "~/lib/trpc";
import { InventoryResource } from "../cluster/inventory";
import { ProvisioningPanel } from "../cluster/ProvisioningPanel";
import { useTenantsNearQuota } from "./near-quota";
import { TrafficPanel } from "./TrafficPanel";

export function Overview() {
  const trpc = useTRPC();
  const clustersQ = useClusters();
  const clusters = clustersOf(clustersQ.data);
  const inventories = useList(
    InventoryResource,
    clusters.filter((c) => c.status !== "DISABLED"),
  );
  const deployments = useApiQuery(trpc.deployments.list.queryOptions({}));
  const metrics = useApiQuery(trpc.metrics.serving.queryOptions({ window: "1h" }));
  const near = useTenantsNearQuota();

  const gpus = inventories.items.reduce(
    (a, i) => ({ total: a.total + i.gpus.allocatable, used: a.used + i.gpus.used }),
    { total: 0, used: 0 },
  );
  const healthy = clusters.filter((c) => c.status === "HEALTHY").length;
  const byState = new Map<string, number>();
  for (const d of deployments.data ?? []) byState.set(d.status, (byState.get(d.status) ?? 0) + 1);
  const updatedAt = Math.max(
    clustersQ.updatedAt,
    inventories.updatedAt,
    deployments.updatedAt,
    metrics.updatedAt,
  );
  const gpuChart = inventories.items.map((i) => ({
    cluster: i.cluster,
    used: i.gpus.used,
    free: i.gpus.free,
  }));

  return (
    <PageShell
      title="Overview"
      description="Every cluster at a glance: health, GPU capacity, deployments, traffic and quotas."
      updatedAt={updatedAt}
      state={{ error: clustersQ.error, retry: clustersQ.refetch }}
    >
      <ProvisioningPanel />
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
        <Panel
          id="gpu-h"
          title="GPU capacity by cluster"
          rows={4}
          bodyMinHeight={260}
          state={fanOutState(inventories, {
            when: gpuChart.length === 0,
            title: "No cluster inventory yet",
            hint: "Register a cluster to see its GPUs.",
          })}
        >
          {gpuChart.length ? (
            <Chart
              label="GPUs used and free per cluster"
              data={gpuChart}
              xKey="cluster"
              integerY
              series={[
                { key: "used", name: "Used", color: "var(--c1)", kind: "bar", stack: "g" },
                {
                  key: "free",
                  name: "Free",
                  color: "var(--c2)",
                  kind: "bar",
                  stack: "g",
                  fillOpacity: 0.35,
                },
              ]}
            />
          ) : null}
        </Panel>
        <TrafficPanel metrics={metrics} />
      </div>

      <Panel
        id="clusters-h"
        title="Clusters"
        className="section"
        state={{
          isLoading: clustersQ.isLoading,
          empty: {
            when: !clustersQ.error && clustersQ.data !== undefined && clusters.length === 0,
            title: "No clusters registered",
            hint: "Register one with the API (clusters.register) or the CLI.",
          },
        }}
      >
        <ResourceTable
          testId="clusters-table"
          items={clusters}
          rowKey={(c) => c.id}
          columns={[
            {
              id: "cluster",
              label: "Cluster",
              cell: (c) => (
                <>
                  <Link href={`/c/${encodeURIComponent(c.name)}`}>{c.displayName || c.name}</Link>
                  {c.region ? <span className="muted small"> · {c.region}</span> : null}
                </>
              ),
            },
            {
              id: "health",
              label: "Health",
              cell: (c) => (
                <>
                  <Badge tone={clusterTone(c.status)}>{c.status.toLowerCase()}</Badge>
                  {c.statusMessage ? <div className="small muted">{c.statusMessage}</div> : null}
                </>
              ),
            },
            {
              id: "k8s",
              label: "Kubernetes",
              className: "mono",
              cell: (c) => c.kubernetesVersion ?? "–",
            },
            {
              id: "nodes",
              label: "Nodes",
              numeric: true,
              cell: (c) => inventories.items.find((i) => i.cluster === c.name)?.nodes.length ?? "–",
            },
            {
              id: "gpus",
              label: "GPUs used",
              width: 220,
              cell: (c) => {
                const inv = inventories.items.find((i) => i.cluster === c.name);
                return inv ? (
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
                );
              },
            },
            {
              id: "deployments",
              label: "Deployments",
              numeric: true,
              cell: (c) =>
                (deployments.data ?? []).filter(
                  (d) => d.clusterId === c.id && d.status !== "DELETED",
                ).length,
            },
          ]}
        />
      </Panel>

      <Panel
        id="quota-h"
        title="Tenants nearest their daily token quota"
        className="section"
        state={{
          error: near.tenants.error,
          empty: {
            when: Boolean(near.tenants.data) && near.rows.length === 0,
            title: "No daily token quotas set",
          },
        }}
      >
        <ResourceTable
          items={near.rows.slice(0, 8)}
          rowKey={(r) => `${r.tenant.id}/${r.model}`}
          columns={[
            {
              id: "tenant",
              label: "Tenant",
              cell: (r) => <Link href={`/tenants/${r.tenant.id}`}>{r.tenant.name}</Link>,
            },
            {
              id: "model",
              label: "Model",
              className: "mono",
              cell: (r) => (r.model === "*" ? "all models" : r.model),
            },
            {
              id: "today",
              label: "Tokens today",
              width: 260,
              cell: (r) => (
                <>
                  <Meter
                    value={r.used}
                    max={r.limit}
                    label={`${r.tenant.name} ${r.model} daily tokens`}
                  />
                  <span className="small muted">
                    {r.used.toLocaleString()} / {r.limit.toLocaleString()} (
                    {Math.round(r.ratio * 100)}%)
                  </span>
                </>
              ),
            },
          ]}
        />
      </Panel>
    </PageShell>
  );
}
