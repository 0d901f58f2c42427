// Prometheus metrics on /metrics: request counts and latencies by route, cluster health, usage
// ingest. One registry per app instance (tests build several apps in one process).
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tessera_api_" });
  return {
    registry,
    requests: new Counter({
      name: "tessera_api_http_requests_total",
      help: "HTTP requests",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "tessera_api_http_request_duration_seconds",
      help: "HTTP request duration",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    clusterUp: new Gauge({
      name: "tessera_api_cluster_up",
      help: "1 when the last health check of a cluster succeeded",
      labelNames: ["cluster"],
      registers: [registry],
    }),
    usageEvents: new Counter({
      name: "tessera_api_usage_events_total",
      help: "Router usage events by result",
      labelNames: ["result"],
      registers: [registry],
    }),
    usageUnknownCluster: new Counter({
      name: "tessera_api_usage_unknown_cluster_total",
      help: "Usage events stored without a cluster because the cluster they name is not registered",
      labelNames: ["cluster"],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

export const metricsPlugin = fp(
  (app: FastifyInstance, opts: { metrics: Metrics }, done: () => void) => {
    const { metrics } = opts;
    app.addHook("onResponse", async (req, reply) => {
      const route = req.routeOptions.url ?? "unmatched";
      metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
      metrics.duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
    app.get("/metrics", { logLevel: "warn" }, async (_req, reply) => {
      reply.header("content-type", metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    done();
  },
  { name: "tessera-metrics" },
);
