// Every metric the router exports, defined in this one file. Each router instance owns its own
// Registry (tests run several routers in one process). Label values are bounded: a model that no
// ModelRoute knows is recorded as "unknown".
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FastCounter, FastHistogram } from "./fast.ts";

export const UNKNOWN_LABEL = "unknown";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TOKEN_LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
];
const PLUGIN_BUCKETS = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.5,
];

export function createRouterMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: "tessera_router_process_" });
  const r = [registry];
  return {
    registry,
    requests: new FastCounter({
      name: "tessera_router_requests_total",
      help: "Inference requests by model, ModelRoute, ModelServer, HTTP status and error type ('' on success).",
      labelNames: ["model", "route", "server", "status_code", "error_type"] as const,
      registers: r,
    }),
    requestDuration: new FastHistogram({
      name: "tessera_router_request_duration_seconds",
      help: "Time from request arrival to the last response byte.",
      labelNames: ["model", "server"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    upstreamDuration: new FastHistogram({
      name: "tessera_router_upstream_duration_seconds",
      help: "Time from dispatch to an endpoint until its response ended (per attempt that produced a response).",
      labelNames: ["server", "phase"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    ttft: new FastHistogram({
      name: "tessera_router_time_to_first_token_seconds",
      help: "Router-observed time to first token: request arrival to the first streamed content event.",
      labelNames: ["model"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    interTokenLatency: new FastHistogram({
      name: "tessera_router_inter_token_latency_seconds",
      help: "Router-observed gap between consecutive streamed events.",
      labelNames: ["model"] as const,
      buckets: TOKEN_LATENCY_BUCKETS,
      registers: r,
    }),
    tokens: new FastCounter({
      name: "tessera_router_tokens_total",
      help: "Prompt and completion tokens reported by engines (usage).",
      labelNames: ["model", "type"] as const,
      registers: r,
    }),
    pluginDuration: new FastHistogram({
      name: "tessera_router_scheduler_plugin_duration_seconds",
      help: "Time spent in one scheduling plugin call, measured by the framework.",
      labelNames: ["extension_point", "plugin_type", "plugin_name"] as const,
      buckets: PLUGIN_BUCKETS,
      registers: r,
    }),
    schedulingDuration: new FastHistogram({
      name: "tessera_router_scheduling_duration_seconds",
      help: "Time for one whole scheduling cycle (all filters, scorers and the picker).",
      labelNames: ["profile"] as const,
      buckets: PLUGIN_BUCKETS,
      registers: r,
    }),
    retries: new Counter({
      name: "tessera_router_upstream_retries_total",
      help: "Requests re-sent to the next-best endpoint (or PD pair) after a failed or refused upstream.",
      labelNames: ["server", "reason"] as const,
      registers: r,
    }),
    activeRequests: new Gauge({
      name: "tessera_router_active_requests",
      help: "Client requests currently being handled.",
      registers: r,
    }),
    activeUpstream: new Gauge({
      name: "tessera_router_active_upstream_requests",
      help: "Requests in flight to engine endpoints.",
      registers: r,
    }),
    prefillDuration: new Histogram({
      name: "tessera_router_prefill_duration_seconds",
      help: "PD disaggregation: duration of the prefill request.",
      labelNames: ["server", "connector"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    decodeDuration: new Histogram({
      name: "tessera_router_decode_duration_seconds",
      help: "PD disaggregation: duration of the decode request (until its last byte).",
      labelNames: ["server", "connector"] as const,
      buckets: LATENCY_BUCKETS,
      registers: r,
    }),
    endpoints: new Gauge({
      name: "tessera_router_endpoints",
      help: "Known endpoints by state (ready, stale metrics, unhealthy).",
      labelNames: ["state"] as const,
      registers: r,
    }),
    scrapes: new Counter({
      name: "tessera_router_engine_scrapes_total",
      help: "Engine /metrics scrapes by result.",
      labelNames: ["result"] as const,
      registers: r,
    }),
    reloads: new Counter({
      name: "tessera_router_config_reloads_total",
      help: "Reloads of the object source and the scheduler config, by result.",
      labelNames: ["kind", "result"] as const,
      registers: r,
    }),
    sourceStaleness: new Gauge({
      name: "tessera_router_source_staleness_seconds",
      help: "Seconds since the object source (file or informer) last confirmed its state.",
      labelNames: ["source"] as const,
      registers: r,
    }),
  };
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;
