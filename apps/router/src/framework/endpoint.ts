// Contracts for what the scheduler sees of an upstream endpoint (a ready engine pod on a port).
// The endpoint pool (endpoints/pool.ts) owns the objects; plugins read them and never mutate them,
// except through the router-local counters the framework maintains.

/** Engine state normalised from the vLLM, SGLang and TGI metric dialects. NaN = not reported. */
export interface EngineMetrics {
  /** Requests queued in the engine. */
  waiting: number;
  /** Requests in the running batch. */
  running: number;
  /** KV-cache utilisation 0..1. */
  kvCacheUsage: number;
  /** KV-cache capacity in tokens, when the engine reports it (vLLM cache_config_info). */
  kvCapacityTokens: number;
  /** Mean time to first token over the last scrape interval (seconds, histogram delta). */
  ttftSeconds: number;
  /** Mean time per output token over the last scrape interval (seconds, histogram delta). */
  tpotSeconds: number;
  /** Prefix-cache hit rate 0..1 (tokens) over the last scrape interval, or the engine's own gauge. */
  prefixHitRate: number;
  /** LoRA adapters the engine reports as loaded (running or waiting), plus served model ids. */
  models: ReadonlySet<string>;
  /** Wall-clock ms of the last successful scrape, 0 = never. */
  updatedAt: number;
}

export type EndpointRole = "prefill" | "decode" | null;

export interface Endpoint {
  /** Stable key: `namespace/pod:port`. */
  readonly id: string;
  readonly namespace: string;
  readonly podName: string;
  readonly address: string;
  readonly port: number;
  /** `http://address:port` */
  readonly origin: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Router-local requests in flight to this endpoint (incremented before dispatch). */
  readonly inFlight: number;
  readonly metrics: EngineMetrics;
  /** True when the last scrape is older than the staleness bound. */
  readonly stale: boolean;
  /** False after repeated scrape or connect failures. */
  readonly healthy: boolean;
  /** Pod start time in ms (0 if unknown); used to ignore KV-index entries older than a restart. */
  readonly startedAt: number;
}
