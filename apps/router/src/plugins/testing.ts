// Fixtures for plugin unit tests: endpoints and requests with only the fields a test sets.
import pino from "pino";
import type { Endpoint, EngineMetrics } from "../framework/endpoint.ts";
import type { PluginHandle } from "../framework/plugin.ts";
import type { InferenceRequest } from "../framework/request.ts";
import { Cycle } from "../scheduling/cycle-context.ts";

export interface EndpointInit {
  id?: string;
  inFlight?: number;
  stale?: boolean;
  healthy?: boolean;
  metrics?: Partial<EngineMetrics>;
  labels?: Record<string, string>;
}

let counter = 0;

export function ep(init: EndpointInit = {}): Endpoint {
  const id = init.id ?? `ns/pod-${counter++}:8000`;
  return {
    id,
    namespace: "ns",
    podName: id,
    address: "127.0.0.1",
    port: 8000,
    origin: "http://127.0.0.1:8000",
    labels: init.labels ?? {},
    inFlight: init.inFlight ?? 0,
    stale: init.stale ?? false,
    healthy: init.healthy ?? true,
    startedAt: 0,
    metrics: {
      waiting: NaN,
      running: NaN,
      kvCacheUsage: NaN,
      kvCapacityTokens: NaN,
      ttftSeconds: NaN,
      tpotSeconds: NaN,
      prefixHitRate: NaN,
      models: new Set(),
      updatedAt: init.stale === true ? 0 : 1,
      ...init.metrics,
    },
  };
}

export function req(
  init: Partial<Omit<InferenceRequest, "promptText" | "memo">> & { prompt?: string } = {},
): InferenceRequest {
  const prompt = init.prompt ?? "";
  return {
    requestId: "r",
    kind: "completion",
    requestedModel: init.requestedModel ?? "m",
    targetModel: init.targetModel ?? init.requestedModel ?? "m",
    isLora: init.isLora ?? false,
    headers: init.headers ?? {},
    body: init.body ?? { prompt },
    modelServer: init.modelServer ?? "ns/server",
    memo: {},
    promptText: () => prompt,
  };
}

export function handle(random: () => number = () => 0.5): PluginHandle {
  return {
    logger: pino({ level: "silent" }),
    now: () => Date.now(),
    random,
    endpoints: () => [],
    http: () => Promise.reject(new Error("no http in unit tests")),
  };
}

export function cx(profile = "default"): Cycle {
  return new Cycle(profile, Date.now());
}

/** Runs a scorer and returns plain numbers rounded to 4 decimals. */
export async function scores(
  s: {
    score: (
      c: Cycle,
      r: InferenceRequest,
      e: readonly Endpoint[],
      out: Float64Array,
    ) => void | Promise<void>;
  },
  r: InferenceRequest,
  eps: readonly Endpoint[],
): Promise<number[]> {
  const out = new Float64Array(eps.length);
  await s.score(cx(), r, eps, out);
  return [...out].map((v) => Math.round(v * 1e4) / 1e4);
}
