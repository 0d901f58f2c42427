"use client";
// Per-endpoint load as the cluster's routers see it: a chart of running and waiting requests, then
// the full table (KV cache, prefix hits, TTFT, in-flight per router).
import { Chart } from "~/components/charts";
import { Panel, queryState } from "~/components/page-shell";
import type { ApiQueryResult } from "~/lib/resources";
import { EndpointsTable, RouterStatuses } from "./EndpointsTable";
import type { RoutingEndpoints } from "./routing-data";

export function EndpointsPanel({ endpoints }: { endpoints: ApiQueryResult<RoutingEndpoints> }) {
  const rows = endpoints.data?.endpoints ?? [];
  const chart = rows.map((e) => ({
    endpoint: e.pod ?? e.endpoint,
    running: e.running ?? 0,
    waiting: e.waiting ?? 0,
  }));
  return (
    <Panel
      id="ep-h"
      title="Endpoints: load, KV cache, prefix hits, TTFT"
      className="card section"
      testId="endpoints-panel"
      bodyMinHeight={260}
      state={queryState(endpoints, {
        when: Boolean(endpoints.data) && rows.length === 0,
        title: endpoints.data?.routers.length
          ? "The routers see no endpoints"
          : "No router in this cluster",
        hint: endpoints.data?.routers.length
          ? undefined
          : "Services labelled tessera.io/component=router are read here.",
      })}
    >
      {endpoints.data ? <RouterStatuses routers={endpoints.data.routers} /> : null}
      {rows.length ? (
        <>
          <Chart
            label="Running and waiting requests per endpoint"
            data={chart}
            xKey="endpoint"
            integerY
            series={[
              { key: "running", name: "Running", color: "var(--c1)", kind: "bar", stack: "q" },
              { key: "waiting", name: "Waiting", color: "var(--c3)", kind: "bar", stack: "q" },
            ]}
          />
          <EndpointsTable endpoints={rows} testId="endpoints-table" />
        </>
      ) : null}
    </Panel>
  );
}
