// Controller metrics (prom-client), all defined here: reconcile count/duration/errors per
// controller, work-queue depth and latency, informer restarts and staleness, apiserver requests.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class ControllerMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<"controller" | "result">;
  readonly reconcileDuration: Histogram<"controller">;
  readonly reconcileErrors: Counter<"controller">;
  readonly queueDepth: Gauge<"controller">;
  readonly queueLatency: Histogram<"controller">;
  readonly informerRestarts: Counter<"informer">;
  readonly informerStaleness: Gauge<"informer">;
  readonly apiRequests: Histogram<"method" | "code">;
  readonly leader: Gauge;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    if (opts.defaultMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: "tessera_controller_" });
    this.reconciles = new Counter({
      name: "tessera_controller_reconcile_total",
      help: "Reconciles by controller and result (success, error, requeue).",
      labelNames: ["controller", "result"],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: "tessera_controller_reconcile_duration_seconds",
      help: "Time spent in one reconcile.",
      labelNames: ["controller"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: "tessera_controller_reconcile_errors_total",
      help: "Reconciles that failed and were requeued with backoff.",
      labelNames: ["controller"],
      registers,
    });
    this.queueDepth = new Gauge({
      name: "tessera_controller_workqueue_depth",
      help: "Keys waiting in the work queue.",
      labelNames: ["controller"],
      registers,
    });
    this.queueLatency = new Histogram({
      name: "tessera_controller_workqueue_latency_seconds",
      help: "Time a key waited in the work queue before a worker picked it up.",
      labelNames: ["controller"],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    });
    this.informerRestarts = new Counter({
      name: "tessera_controller_informer_restarts_total",
      help: "Watch restarts after errors.",
      labelNames: ["informer"],
      registers,
    });
    this.informerStaleness = new Gauge({
      name: "tessera_controller_informer_staleness_seconds",
      help: "Seconds since the informer last heard from the apiserver.",
      labelNames: ["informer"],
      registers,
    });
    this.apiRequests = new Histogram({
      name: "tessera_controller_apiserver_request_duration_seconds",
      help: "Requests to the apiserver by method and status code.",
      labelNames: ["method", "code"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.leader = new Gauge({
      name: "tessera_controller_leader",
      help: "1 while this replica holds the leader Lease.",
      registers,
    });
  }
}
