"use client";
// Request rate, TTFT and output tokens per second across clusters over the last hour, from the
// routers' metrics as the API aggregates them (metrics.serving).
import { Chart } from "~/components/charts";
import { Panel, queryState } from "~/components/page-shell";
import type { ApiQueryResult } from "~/lib/resources";
import type { RouterOutputs } from "~/lib/api-types";

export type ServingMetrics = RouterOutputs["metrics"]["serving"];

const hhmm = (t: string | number) => new Date(t).toISOString().slice(11, 16);

export function TrafficPanel({ metrics }: { metrics: ApiQueryResult<ServingMetrics> }) {
  const series = metrics.data?.series ?? [];
  return (
    <Panel
      id="traffic-h"
      title="Requests, TTFT and tokens per second"
      testId="traffic-panel"
      rows={4}
      bodyMinHeight={260}
      state={queryState(metrics, {
        when: Boolean(metrics.data) && series.length === 0,
        title: "No traffic in the last hour",
      })}
    >
      {series.length ? (
        <Chart
          label="Request rate, output tokens per second and TTFT p95 over the last hour"
          testId="traffic-chart"
          data={series}
          xKey="t"
          xFormat={hhmm}
          series={[
            { key: "requestsPerSecond", name: "req/s", color: "var(--c1)" },
            { key: "outputTokensPerSecond", name: "tokens/s", color: "var(--c2)" },
            { key: "ttftP50Ms", name: "TTFT p50 (ms)", color: "var(--c4)", axis: "right" },
            { key: "ttftP95Ms", name: "TTFT p95 (ms)", color: "var(--c3)", axis: "right" },
          ]}
        />
      ) : null}
    </Panel>
  );
}
