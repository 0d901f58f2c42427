import { z } from "zod";
import type { Endpoint, EngineMetrics } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { parseParams } from "../../params.ts";

export const LEAST_LATENCY_TYPE = "least-latency";

const Params = z.strictObject({
  /** Weight α of TTFT against TPOT, in [0,1]. */
  ttftWeight: z.number().min(0).max(1).default(0.5),
  /** Score of a component for an endpoint that has no sample yet. */
  unknownScore: z.number().min(0).max(1).default(0.5),
  /**
   * Scale each sampled latency by the endpoint's load now over its mean load while the sampled
   * requests waited, so requests this router sent since the scrape count against it at once.
   * false = Kthena's plain interval averages (herds when metrics lag; see README).
   */
  loadCorrection: z.boolean().default(true),
  /** How far back the load history reaches (the longest TTFT window it can average), seconds. */
  loadHistorySeconds: z.number().positive().default(120),
});

/** Bound on history entries per endpoint whatever the scrape interval. */
const MAX_HISTORY = 4096;

/**
 * Loads an endpoint had, one entry per metrics sample as this scorer first saw it (at most one
 * scheduling decision after the scrape): `loads[i]` held from `times[i]` until `times[i + 1]`.
 */
interface LoadHistory {
  /** The sample seen last (the scraper replaces `ep.metrics` on every scrape). */
  metrics: EngineMetrics;
  /** This router's in-flight count when that sample was first seen. */
  inFlight: number;
  times: number[];
  loads: number[];
}

/** Time-weighted mean of the step function over [from, to]; the latest load when from ≥ its time. */
export function averageLoad(h: LoadHistory, from: number, to: number): number {
  const n = h.times.length;
  const last = h.loads[n - 1] as number;
  if (n === 1 || from >= (h.times[n - 1] as number) || to <= from) return last;
  let sum = 0;
  let t = to;
  for (let i = n - 1; i >= 0 && t > from; i--) {
    const start = Math.max(h.times[i] as number, from);
    if (t > start) sum += (h.loads[i] as number) * (t - start);
    t = start;
  }
  // Before the first entry the history knows nothing: weight the oldest load over what is left.
  if (t > from) sum += (h.loads[0] as number) * (t - from);
  return sum / (to - from);
}

/**
 * TTFT and TPOT per endpoint are interval averages from histogram deltas (endpoints/scraper.ts).
 * With `loadCorrection` each is first projected to the endpoint's current load (README):
 * x̂ = x · (1 + L_now) / (1 + L_ref). Each is then min–max normalised across the candidates that
 * have data: s = (max − x̂)/(max − min), 1 when all equal; score = α·s_ttft + (1 − α)·s_tpot.
 */
export class LeastLatencyScorer implements Scorer {
  readonly typedName: TypedName;
  readonly category = "balance" as const;
  readonly #alpha: number;
  readonly #unknown: number;
  readonly #correct: boolean;
  readonly #historyMs: number;
  /** Per endpoint (the pool keeps its objects across scrapes and config changes). */
  readonly #history = new WeakMap<Endpoint, LoadHistory>();
  #factors = new Float64Array(0);

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: LEAST_LATENCY_TYPE, name };
    this.#alpha = params.ttftWeight;
    this.#unknown = params.unknownScore;
    this.#correct = params.loadCorrection;
    this.#historyMs = params.loadHistorySeconds * 1000;
  }

  score(
    cx: CycleContext,
    _req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    if (this.#factors.length < eps.length) this.#factors = new Float64Array(eps.length * 2);
    const f = this.#factors;
    let tMin = Infinity;
    let tMax = -Infinity;
    let pMin = Infinity;
    let pMax = -Infinity;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i] as Endpoint;
      const k = this.#correct ? this.loadFactor(ep, cx.now) : 1;
      f[i] = k;
      const t = ep.metrics.ttftSeconds * k;
      const p = ep.metrics.tpotSeconds * k;
      if (!Number.isNaN(t)) {
        if (t < tMin) tMin = t;
        if (t > tMax) tMax = t;
      }
      if (!Number.isNaN(p)) {
        if (p < pMin) pMin = p;
        if (p > pMax) pMax = p;
      }
    }
    for (let i = 0; i < eps.length; i++) {
      const m = (eps[i] as Endpoint).metrics;
      const k = f[i] as number;
      const st = this.#norm(m.ttftSeconds * k, tMin, tMax);
      const sp = this.#norm(m.tpotSeconds * k, pMin, pMax);
      out[i] = this.#alpha * st + (1 - this.#alpha) * sp;
    }
  }

  /**
   * (1 + L_now) / (1 + L_ref): how much more (or less) loaded the endpoint is now than while the
   * requests behind its latency sample were waiting and running. A request whose first token came
   * at the scrape waited behind the load of the preceding TTFT seconds, so L_ref is the
   * time-averaged load over [t − ttft, t] (the latest load alone when the history is shorter).
   * Loads are the engine's running + waiting from each scrape (every router's traffic) or, without
   * those gauges, this router's in-flight count. L_now adds what this router dispatched minus what
   * completed since the latest scrape, which it knows exactly and immediately: that is what stops
   * every request of an interval chasing the endpoint that was fast.
   */
  loadFactor(ep: Endpoint, now: number): number {
    const m = ep.metrics;
    let h = this.#history.get(ep);
    if (h === undefined) {
      h = { metrics: m, inFlight: ep.inFlight, times: [], loads: [] };
      this.#history.set(ep, h);
      this.#record(h, m, ep.inFlight, now);
    } else if (h.metrics !== m) {
      this.#record(h, m, ep.inFlight, now);
    }
    const sampled = h.loads[h.loads.length - 1] as number;
    const current = Math.max(0, sampled + ep.inFlight - h.inFlight);
    const window = Number.isNaN(m.ttftSeconds) ? 0 : m.ttftSeconds * 1000;
    return (1 + current) / (1 + averageLoad(h, now - window, now));
  }

  #record(h: LoadHistory, m: EngineMetrics, inFlight: number, now: number): void {
    h.metrics = m;
    h.inFlight = inFlight;
    const engine = m.running + m.waiting;
    h.times.push(now);
    h.loads.push(Number.isNaN(engine) ? inFlight : engine);
    // Keep what the longest plausible TTFT window needs; drop from the front in batches.
    let drop = 0;
    while (drop < h.times.length - 1 && now - (h.times[drop] as number) > this.#historyMs) drop++;
    if (drop > 64 || h.times.length > MAX_HISTORY) {
      const d = Math.max(drop, h.times.length - MAX_HISTORY);
      h.times.splice(0, d);
      h.loads.splice(0, d);
    }
  }

  #norm(x: number, min: number, max: number): number {
    if (Number.isNaN(x)) return this.#unknown;
    if (max === min) return 1;
    return (max - x) / (max - min);
  }
}

export const leastLatencyFactory: PluginFactory = (name, raw) =>
  new LeastLatencyScorer(name, parseParams(Params, LEAST_LATENCY_TYPE, name, raw));
