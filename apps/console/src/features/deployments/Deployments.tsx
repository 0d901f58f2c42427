"use client";
import { Fragment, useState } from "react";
import {
  Badge,
  Empty,
  ErrorState,
  LastUpdated,
  Loading,
  PageHeader,
  type Tone,
} from "~/components/states";
import { useApiQuery } from "~/lib/resources";
import { clustersOf, useClusters } from "~/lib/session";
import type { Deployment, DeploymentLive, LiveObject } from "~/lib/types";

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

const statusTone = (s: string): Tone =>
  s === "APPLIED"
    ? "ok"
    : s === "DRIFTED" || s === "PENDING"
      ? "warn"
      : s === "FAILED"
        ? "bad"
        : "neutral";

interface MsStatus {
  replicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** Expected from the API (not offered yet): the router's endpoints for a model server. */
interface RouterEndpoint {
  pod: string;
  ip: string;
  role?: string;
  ready: boolean;
  runningRequests?: number;
  waitingRequests?: number;
  kvCacheUsage?: number;
}

function Rollout({ status, desired }: { status: MsStatus; desired?: number }) {
  const total = desired ?? status.replicas ?? 0;
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

function ObjectRow({ obj }: { obj: LiveObject }) {
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

function Details({ d }: { d: Deployment }) {
  const status = useApiQuery<DeploymentLive[]>(
    "deployments.status",
    { cluster: d.cluster ?? d.clusterId },
    { namespace: d.namespace, name: d.name, clusterIds: [d.clusterId] },
  );
  const endpoints = useApiQuery<RouterEndpoint[]>(
    "routing.endpoints",
    { cluster: d.cluster ?? d.clusterId },
    { clusterId: d.clusterId, namespace: d.namespace, modelServer: d.name },
  );
  if (status.isLoading) return <Loading rows={3} />;
  if (status.error) return <ErrorState error={status.error} retry={status.refetch} />;
  return (
    <div className="grid" style={{ gap: 10 }} data-testid={`deployment-details-${d.name}`}>
      {(status.data ?? []).map((r) =>
        r.ok ? (
          <div key={r.clusterId} className="grid cols-2">
            {r.objects.map((o) => (
              <ObjectRow key={`${o.kind}/${o.name}`} obj={o} />
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
      <div>
        <h3>Router’s view of endpoints</h3>
        {endpoints.error ? <p className="small muted">{endpoints.error.message}</p> : null}
        {endpoints.data && endpoints.data.length === 0 ? (
          <p className="small muted">The router sees no endpoints for this model server.</p>
        ) : null}
        {endpoints.data?.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Pod</th>
                <th scope="col">Role</th>
                <th scope="col">Ready</th>
                <th scope="col" className="num">
                  Running
                </th>
                <th scope="col" className="num">
                  Waiting
                </th>
                <th scope="col" className="num">
                  KV cache
                </th>
              </tr>
            </thead>
            <tbody>
              {endpoints.data.map((e) => (
                <tr key={e.pod}>
                  <td className="mono">{e.pod}</td>
                  <td>{e.role ?? "–"}</td>
                  <td>{e.ready ? "yes" : "no"}</td>
                  <td className="num">{e.runningRequests ?? "–"}</td>
                  <td className="num">{e.waitingRequests ?? "–"}</td>
                  <td className="num">
                    {e.kvCacheUsage !== undefined ? `${Math.round(e.kvCacheUsage * 100)}%` : "–"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </div>
  );
}

export function Deployments({ clusterName }: { clusterName?: string }) {
  const clusters = clustersOf(useClusters().data);
  const cluster = clusterName ? clusters.find((c) => c.name === clusterName) : undefined;
  const input = cluster ? { clusterId: cluster.id } : {};
  const list = useApiQuery<Deployment[]>(
    "deployments.list",
    cluster ? { cluster: cluster.name } : { global: true },
    input,
    { enabled: !clusterName || Boolean(cluster) },
  );
  const [open, setOpen] = useState<string | null>(null);
  const rows = (list.data ?? []).filter((d) => d.status !== "DELETED");
  return (
    <>
      <PageHeader
        title={cluster ? `Deployments · ${cluster.displayName || cluster.name}` : "Deployments"}
        description="Every ModelServing Tessera applied, per cluster: rollout, groups and roles, recovery events and the router's endpoints."
        actions={<LastUpdated at={list.updatedAt} />}
      />
      {list.isLoading ? <Loading /> : null}
      {list.error ? <ErrorState error={list.error} retry={list.refetch} /> : null}
      {list.data && rows.length === 0 ? (
        <Empty title="Nothing deployed yet">
          Design a topology and deploy it from the topology designer.
        </Empty>
      ) : null}
      {rows.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="deployments-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Cluster</th>
                <th scope="col">Namespace</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Revision
                </th>
                <th scope="col">Applied</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <Fragment key={d.id}>
                  <tr>
                    <td>
                      <strong>{d.name}</strong>
                    </td>
                    <td>{d.cluster ?? d.clusterId}</td>
                    <td className="mono">{d.namespace}</td>
                    <td>
                      <Badge tone={statusTone(d.status)}>{d.status.toLowerCase()}</Badge>
                      {d.statusMessage ? (
                        <div className="small muted">{d.statusMessage}</div>
                      ) : null}
                    </td>
                    <td className="num">{d.revision}</td>
                    <td className="small">
                      {d.appliedAt ? new Date(d.appliedAt).toLocaleString() : "–"}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn small"
                        aria-expanded={open === d.id}
                        onClick={() => setOpen(open === d.id ? null : d.id)}
                      >
                        {open === d.id ? "Hide" : "Details"}
                      </button>
                    </td>
                  </tr>
                  {open === d.id ? (
                    <tr>
                      <td colSpan={7} style={{ background: "var(--panel-2)" }}>
                        <Details d={d} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
