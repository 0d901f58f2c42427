import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
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
});

/**
 * TTFT and TPOT per endpoint are interval averages from histogram deltas (endpoints/scraper.ts).
 * Each is min–max normalised across the candidates that have data: s = (max − x)/(max − min),
 * 1 when all equal; score = α·s_ttft + (1 − α)·s_tpot.
 */
export class LeastLatencyScorer implements Scorer {
  readonly typedName: TypedName;
  readonly category = "balance" as const;
  readonly #alpha: number;
  readonly #unknown: number;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: LEAST_LATENCY_TYPE, name };
    this.#alpha = params.ttftWeight;
    this.#unknown = params.unknownScore;
  }

  score(
    _cx: CycleContext,
    _req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    let tMin = Infinity;
    let tMax = -Infinity;
    let pMin = Infinity;
    let pMax = -Infinity;
    for (const ep of eps) {
      const t = ep.metrics.ttftSeconds;
      const p = ep.metrics.tpotSeconds;
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
      const st = this.#norm(m.ttftSeconds, tMin, tMax);
      const sp = this.#norm(m.tpotSeconds, pMin, pMax);
      out[i] = this.#alpha * st + (1 - this.#alpha) * sp;
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
