"use client";
// One deployment's live objects per cluster (rollout, conditions, recovery events) and the router's
// view of its endpoints.
import { Badge, ErrorState, Loading, type Tone } from "~/components/states";
import type { Deployment, DeploymentLive } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";
import { EndpointsTable, RouterStatuses } from "../routing/EndpointsTable";
import { useRoutingEndpoints } from "../routing/routing-data";

type LiveObject = Extract<DeploymentLive, { ok: true }>["objects"][number];

/** Conditions where True means "something is happening or wrong" (False is the calm state). */
const NEGATIVE_CONDITIONS = new Set([
  "Progressing",
  "UpdateInProgress",
  "Degraded",
  "Failed",
  "Stalled",
]);
const conditionTone = (c: { type: string; status: string }): Tone =>
  NEGATIVE_CONDITIONS.has(c.type)
    ? c.status === "True"
      ? "info"
      : "neutral"
    : c.status === "True"
      ? "ok"
      : "warn";

interface MsStatus {
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

function Rollout({ status }: { status: MsStatus }) {
  const total = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const pct = total ? Math.round((100 * updated) / total) : 100;
  return (
    <div className="grid" style={{ gap: 4 }}>
      <div className="row small">
        <span>
          {available}/{total} groups available · {updated}/{total} updated
        </span>
        {status.currentRevision &&
        status.updateRevision &&
        status.currentRevision !== status.updateRevision ? (
          <Badge tone="info">
            rolling {status.currentRevision} → {status.updateRevision}
          </Badge>
        ) : null}
      </div>
      <div
        className="meter"
        role="progressbar"
        aria-label="Rollout progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function ObjectCard({ obj }: { obj: LiveObject }) {
  const st = (obj.status ?? {}) as MsStatus;
  return (
    <div className="card" style={{ padding: 12 }}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <strong>
          {obj.kind}/{obj.name}
        </strong>
        <Badge tone={obj.present ? "ok" : "bad"}>{obj.present ? "present" : "missing"}</Badge>
      </div>
      {obj.kind === "ModelServing" && obj.present ? <Rollout status={st} /> : null}
      {st.conditions?.length ? (
        <div className="row small" style={{ marginTop: 6 }}>
          {st.conditions.map((c) => (
            <span key={c.type} title={c.message ?? ""}>
              <Badge tone={conditionTone(c)}>
                {c.type}
                {c.reason ? `: ${c.reason}` : ""}
              </Badge>
            </span>
          ))}
        </div>
      ) : null}
      {obj.events.length ? (
        <details style={{ marginTop: 6 }}>
          <summary className="small">
            {obj.events.length} events (recovery, scaling, scheduling)
          </summary>
          <ul className="small" style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {obj.events.slice(0, 20).map((e, i) => (
              <li key={i}>
                <span
                  className={e.type === "Warning" ? "" : "muted"}
                  style={e.type === "Warning" ? { color: "var(--warn)" } : undefined}
                >
                  {e.reason}
                </span>{" "}
                {e.message}{" "}
                {e.count && e.count > 1 ? <span className="muted">×{e.count}</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function RouterView({ d }: { d: Deployment }) {
  const endpoints = useRoutingEndpoints(
    { id: d.clusterId, name: d.cluster },
    { namespace: d.namespace, modelServer: `${d.namespace}/${d.name}` },
  );
  return (
    <div data-testid={`router-view-${d.name}`}>
      <h3>Router’s view of endpoints</h3>
      {endpoints.isLoading ? <Loading rows={2} /> : null}
      {endpoints.error ? <p className="small muted">{endpoints.error.message}</p> : null}
      {endpoints.data ? <RouterStatuses routers={endpoints.data.routers} /> : null}
      {endpoints.data && endpoints.data.endpoints.length === 0 ? (
        <p className="small muted">
          {endpoints.data.routers.length
            ? "The routers see no endpoints for this model server."
            : "No router in this cluster."}
        </p>
      ) : null}
      <EndpointsTable endpoints={endpoints.data?.endpoints ?? []} showServer={false} />
    </div>
  );
}

export function DeploymentDetails({ d }: { d: Deployment }) {
  const trpc = useTRPC();
  const status = useApiQuery(
    trpc.deployments.status.queryOptions({
      namespace: d.namespace,
      name: d.name,
      clusterIds: [d.clusterId],
    }),
  );
  if (status.isLoading) return <Loading rows={3} />;
  if (status.error) return <ErrorState error={status.error} retry={status.refetch} />;
  return (
    <div className="grid" style={{ gap: 10 }} data-testid={`deployment-details-${d.name}`}>
      {(status.data ?? []).map((r) =>
        r.ok ? (
          <div key={r.clusterId} className="grid cols-2">
            {r.objects.map((o) => (
              <ObjectCard key={`${o.kind}/${o.name}`} obj={o} />
            ))}
          </div>
        ) : (
          <ErrorState
            key={r.clusterId}
            error={{
              message: r.error.message,
              code: r.error.code,
              cluster: r.cluster,
              missingProcedure: false,
              unauthorized: false,
            }}
          />
        ),
      )}
      <RouterView d={d} />
    </div>
  );
}
