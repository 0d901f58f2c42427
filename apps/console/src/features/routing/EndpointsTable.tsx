"use client";
// Endpoints as each router sees them: health, engine load (running / waiting), KV-cache use,
// prefix hit rate, TTFT, the router's own in-flight requests and how old the metrics are.
import { ResourceTable } from "~/components/resource-table";
import { Badge } from "~/components/states";
import { fmt, type RoutingEndpoint } from "./routing-data";

export function EndpointsTable({
  endpoints,
  testId,
  showServer = true,
}: {
  endpoints: readonly RoutingEndpoint[];
  testId?: string;
  showServer?: boolean;
}) {
  return (
    <ResourceTable
      items={endpoints}
      rowKey={(e) => `${e.router}/${e.endpoint}`}
      {...(testId ? { testId } : {})}
      columns={[
        {
          id: "endpoint",
          label: "Endpoint",
          className: "mono small",
          cell: (e) => (
            <>
              {e.pod ?? e.endpoint}
              {e.pod ? <div className="muted">{e.endpoint}</div> : null}
            </>
          ),
        },
        ...(showServer
          ? [
              {
                id: "server",
                label: "ModelServer",
                className: "small",
                cell: (e: RoutingEndpoint) => e.modelServer ?? "–",
              },
            ]
          : []),
        { id: "router", label: "Router", className: "small", cell: (e) => e.router },
        {
          id: "health",
          label: "Health",
          cell: (e) =>
            e.healthy ? <Badge tone="ok">healthy</Badge> : <Badge tone="bad">unhealthy</Badge>,
        },
        // Live numbers get a reserved width: a refresh that changes a digit count never resizes the table.
        {
          id: "running",
          label: "Running",
          numeric: true,
          width: 76,
          cell: (e) => fmt.num(e.running),
        },
        {
          id: "waiting",
          label: "Waiting",
          numeric: true,
          width: 76,
          cell: (e) => fmt.num(e.waiting),
        },
        {
          id: "kv",
          label: "KV cache",
          numeric: true,
          width: 76,
          cell: (e) => fmt.pct(e.kvCacheUsage),
        },
        {
          id: "prefix",
          label: "Prefix hits",
          numeric: true,
          width: 76,
          cell: (e) => fmt.pct(e.prefixHitRate),
        },
        {
          id: "ttft",
          label: "TTFT",
          numeric: true,
          width: 84,
          cell: (e) => (e.ttftMs === null || e.ttftMs === undefined ? "–" : `${e.ttftMs} ms`),
        },
        { id: "inflight", label: "In flight", numeric: true, width: 76, cell: (e) => e.inFlight },
        {
          id: "age",
          label: "Metrics age",
          numeric: true,
          width: 96,
          cell: (e) =>
            e.metricsAgeMs === null ? "never" : `${(e.metricsAgeMs / 1000).toFixed(1)} s`,
        },
      ]}
    />
  );
}

/** The routers read (badges, with how they were reached) and why any could not be read. */
export function RouterStatuses({
  routers,
  onlyFailures = false,
}: {
  routers: readonly { router: string; via: string; ok: boolean; error?: string | undefined }[];
  onlyFailures?: boolean;
}) {
  const failed = routers.filter((r) => !r.ok);
  if (!routers.length || (onlyFailures && !failed.length)) return null;
  return (
    <div style={{ marginBottom: 8 }}>
      {onlyFailures ? null : (
        <div className="row small" data-testid="router-statuses">
          <span className="muted">Routers:</span>
          {routers.map((r) => (
            <Badge key={r.router} tone={r.ok ? "info" : "bad"}>
              {r.router} · {r.via}
            </Badge>
          ))}
        </div>
      )}
      {failed.length ? (
        <ul className="issues" role="note">
          {failed.map((r) => (
            <li key={r.router}>
              {r.router}: {r.error ?? "unreachable"}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
