"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge, Empty, ErrorState, LastUpdated, Loading, PageHeader } from "~/components/states";
import { ModelRoutes, ModelServers } from "~/lib/kube";
import { useApiQuery, useList } from "~/lib/resources";
import { clustersOf, useClusters } from "~/lib/session";

/** Expected from the API: the routers' live endpoint table for a cluster. */
interface EndpointStats {
  modelServer: string;
  pod: string;
  role?: string;
  ready: boolean;
  runningRequests: number;
  waitingRequests: number;
  kvCacheUsage: number;
  prefixHitRate: number;
  ttftP50Ms: number | null;
}

/** Expected from the API: the routers' last scheduling decisions with each plugin's score. */
interface SchedulingDecision {
  at: string;
  requestId: string;
  model: string;
  tenant?: string;
  picked: string;
  candidates: { pod: string; total: number; scores: Record<string, number> }[];
}

interface RouterService {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string | null;
  ports: { name: string | null; port: number; nodePort: number | null }[];
}

type FanOutRouters = (
  | { clusterId: string; ok: true; value: RouterService[] }
  | { clusterId: string; ok: false; error: { message: string } }
)[];

export function Routing({ clusterName }: { clusterName: string }) {
  const clustersQ = useClusters();
  const cluster = clustersOf(clustersQ.data).find((c) => c.name === clusterName);
  const list = cluster ? [cluster] : [];
  const routes = useList(ModelRoutes, list);
  const servers = useList(ModelServers, list);
  const scope = { cluster: clusterName };
  const routers = useApiQuery<FanOutRouters>(
    "clusters.routers",
    scope,
    { clusterIds: cluster ? [cluster.id] : [] },
    { enabled: Boolean(cluster) },
  );
  const endpoints = useApiQuery<EndpointStats[]>(
    "routing.endpoints",
    scope,
    { clusterId: cluster?.id },
    { enabled: Boolean(cluster), refetchInterval: 5_000 },
  );
  const decisions = useApiQuery<SchedulingDecision[]>(
    "routing.decisions",
    scope,
    { clusterId: cluster?.id, limit: 20 },
    { enabled: Boolean(cluster), refetchInterval: 5_000 },
  );

  if (clustersQ.isLoading) return <Loading label="Loading cluster" />;
  if (clustersQ.error) return <ErrorState error={clustersQ.error} retry={clustersQ.refetch} />;
  if (!cluster) return <Empty title={`No cluster named “${clusterName}”`} />;
  const routerSvcs = routers.data?.flatMap((r) => (r.ok ? r.value : [])) ?? [];
  const plugins = [
    ...new Set(
      (decisions.data ?? []).flatMap((d) => d.candidates.flatMap((c) => Object.keys(c.scores))),
    ),
  ];

  return (
    <>
      <PageHeader
        title={`Routing · ${cluster.displayName || cluster.name}`}
        description="ModelRoutes and ModelServers, the router's endpoints and its last scheduling decisions."
        actions={<LastUpdated at={Math.max(endpoints.updatedAt, routes.updatedAt)} />}
      />
      <div className="grid cols-2">
        <section className="card" aria-labelledby="routes-h">
          <h2 id="routes-h">ModelRoutes</h2>
          {routes.isLoading ? <Loading rows={2} /> : null}
          {routes.errors.length ? <ErrorState error={routes.errors} /> : null}
          {routes.settled && !routes.errors.length && routes.items.length === 0 ? (
            <Empty title="No ModelRoutes" />
          ) : null}
          {routes.items.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Model</th>
                  <th scope="col">Targets</th>
                </tr>
              </thead>
              <tbody>
                {routes.items.map((r) => {
                  const spec = (r.spec ?? {}) as {
                    modelName?: string;
                    rules?: { targetModels?: { modelServerName: string; weight?: number }[] }[];
                  };
                  return (
                    <tr key={`${r.metadata.namespace}/${r.metadata.name}`}>
                      <td className="mono">{r.metadata.name}</td>
                      <td className="mono">{spec.modelName}</td>
                      <td className="small">
                        {(spec.rules ?? [])
                          .flatMap((x) => x.targetModels ?? [])
                          .map(
                            (t) =>
                              `${t.modelServerName}${t.weight !== undefined ? ` (${t.weight})` : ""}`,
                          )
                          .join(", ")}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
        </section>
        <section className="card" aria-labelledby="servers-h">
          <h2 id="servers-h">ModelServers</h2>
          {servers.isLoading ? <Loading rows={2} /> : null}
          {servers.errors.length ? <ErrorState error={servers.errors} /> : null}
          {servers.settled && !servers.errors.length && servers.items.length === 0 ? (
            <Empty title="No ModelServers" />
          ) : null}
          {servers.items.length ? (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Engine</th>
                  <th scope="col">Model</th>
                  <th scope="col">PD</th>
                </tr>
              </thead>
              <tbody>
                {servers.items.map((s) => {
                  const spec = (s.spec ?? {}) as {
                    inferenceEngine?: string;
                    model?: string;
                    workloadSelector?: { pdGroup?: unknown };
                  };
                  return (
                    <tr key={`${s.metadata.namespace}/${s.metadata.name}`}>
                      <td className="mono">{s.metadata.name}</td>
                      <td>{spec.inferenceEngine}</td>
                      <td className="mono small">{spec.model ?? "–"}</td>
                      <td>
                        {spec.workloadSelector?.pdGroup ? (
                          <Badge tone="info">prefill/decode</Badge>
                        ) : (
                          "–"
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : null}
        </section>
      </div>

      <section className="card section" aria-labelledby="routers-h">
        <h2 id="routers-h">Routers</h2>
        {routers.isLoading ? <Loading rows={1} /> : null}
        {routers.error ? <ErrorState error={routers.error} /> : null}
        {routers.data && routerSvcs.length === 0 ? (
          <Empty title="No router Service found">
            Services labelled tessera.io/component=router are listed here.
          </Empty>
        ) : null}
        {routerSvcs.length ? (
          <div className="row">
            {routerSvcs.map((s) => (
              <Badge key={`${s.namespace}/${s.name}`} tone="info">
                {s.namespace}/{s.name} · {s.clusterIP ?? s.type}:
                {s.ports.map((p) => p.port).join(",")}
              </Badge>
            ))}
          </div>
        ) : null}
      </section>

      <section className="card section" aria-labelledby="ep-h">
        <h2 id="ep-h">Endpoints: load, KV cache, prefix hits, TTFT</h2>
        {endpoints.isLoading ? <Loading rows={3} /> : null}
        {endpoints.error ? <ErrorState error={endpoints.error} retry={endpoints.refetch} /> : null}
        {endpoints.data && endpoints.data.length === 0 ? (
          <Empty title="The router sees no endpoints" />
        ) : null}
        {endpoints.data?.length ? (
          <>
            <div
              className="chart-box"
              role="img"
              aria-label="Running and waiting requests per endpoint"
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={endpoints.data} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="pod" stroke="var(--muted)" fontSize={10} />
                  <YAxis stroke="var(--muted)" fontSize={11} width={32} />
                  <Tooltip
                    contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                  />
                  <Bar
                    dataKey="runningRequests"
                    name="Running"
                    stackId="q"
                    fill="var(--c1)"
                    isAnimationActive={false}
                  />
                  <Bar
                    dataKey="waitingRequests"
                    name="Waiting"
                    stackId="q"
                    fill="var(--c3)"
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Pod</th>
                  <th scope="col">ModelServer</th>
                  <th scope="col">Role</th>
                  <th scope="col" className="num">
                    KV cache
                  </th>
                  <th scope="col" className="num">
                    Prefix hit rate
                  </th>
                  <th scope="col" className="num">
                    TTFT p50
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.data.map((e) => (
                  <tr key={e.pod}>
                    <td className="mono">{e.pod}</td>
                    <td>{e.modelServer}</td>
                    <td>{e.role ?? "–"}</td>
                    <td className="num">{Math.round(e.kvCacheUsage * 100)}%</td>
                    <td className="num">{Math.round(e.prefixHitRate * 100)}%</td>
                    <td className="num">{e.ttftP50Ms !== null ? `${e.ttftP50Ms} ms` : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>

      <section className="card section" aria-labelledby="dec-h">
        <h2 id="dec-h">Last scheduling decisions</h2>
        {decisions.isLoading ? <Loading rows={3} /> : null}
        {decisions.error ? <ErrorState error={decisions.error} retry={decisions.refetch} /> : null}
        {decisions.data && decisions.data.length === 0 ? (
          <Empty title="No requests routed yet" />
        ) : null}
        {decisions.data?.length ? (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Model</th>
                  <th scope="col">Candidate</th>
                  {plugins.map((p) => (
                    <th key={p} scope="col" className="num">
                      {p}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {decisions.data.flatMap((d) =>
                  d.candidates.map((c, i) => (
                    <tr
                      key={`${d.requestId}/${c.pod}`}
                      style={c.pod === d.picked ? { background: "var(--accent-soft)" } : undefined}
                    >
                      <td className="small">
                        {i === 0 ? new Date(d.at).toLocaleTimeString() : ""}
                      </td>
                      <td className="mono small">{i === 0 ? d.model : ""}</td>
                      <td className="mono small">
                        {c.pod} {c.pod === d.picked ? <Badge tone="info">picked</Badge> : null}
                      </td>
                      {plugins.map((p) => (
                        <td key={p} className="num">
                          {c.scores[p]?.toFixed(2) ?? "–"}
                        </td>
                      ))}
                      <td className="num">
                        <strong>{c.total.toFixed(2)}</strong>
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
