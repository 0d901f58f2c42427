import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Filter, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { fresh, parseParams } from "../../params.ts";

export const LEAST_REQUEST_TYPE = "least-request";

const Params = z.strictObject({
  /** Extra weight of an engine-queued request relative to a running one. */
  waitingWeight: z.number().min(0).default(4),
  /** Filter: drop endpoints whose fresh engine metrics report this many waiting requests (0 disables). */
  maxWaitingRequests: z.number().int().min(0).default(10),
});

/**
 * Filter: drops endpoints whose engine queue is at `maxWaitingRequests` or more (fresh metrics only);
 * when that would drop every endpoint, all are kept (queueing on the least-bad one beats a 503).
 *
 * Score: load = max(inFlight, running + waiting) + waitingWeight × waiting, engine terms only when the
 * scrape is fresh; score = 1 − load / max(load) (all 1 when every load is 0).
 * The router-local in-flight count is exact and immediate, the engine counts see other routers'
 * traffic but lag by a scrape interval; taking the max means stale metrics can never make an
 * endpoint look emptier than this router knows it is.
 */
export class LeastRequestScorer implements Filter, Scorer {
  readonly typedName: TypedName;
  readonly category = "balance" as const;
  readonly #waitingWeight: number;
  readonly #maxWaiting: number;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: LEAST_REQUEST_TYPE, name };
    this.#waitingWeight = params.waitingWeight;
    this.#maxWaiting = params.maxWaitingRequests;
  }

  filter(_cx: CycleContext, _req: InferenceRequest, eps: readonly Endpoint[]): readonly Endpoint[] {
    if (this.#maxWaiting === 0) return eps;
    let keep: Endpoint[] | null = null;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i] as Endpoint;
      if (fresh(ep) && ep.metrics.waiting >= this.#maxWaiting) keep ??= eps.slice(0, i);
      else if (keep !== null) keep.push(ep);
    }
    return keep === null || keep.length === 0 ? eps : keep;
  }

  score(
    _cx: CycleContext,
    _req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    let max = 0;
    for (let i = 0; i < eps.length; i++) {
      const l = this.load(eps[i] as Endpoint);
      out[i] = l;
      if (l > max) max = l;
    }
    for (let i = 0; i < eps.length; i++) out[i] = max === 0 ? 1 : 1 - (out[i] as number) / max;
  }

  load(ep: Endpoint): number {
    let load = ep.inFlight;
    if (fresh(ep)) {
      const waiting = Number.isNaN(ep.metrics.waiting) ? 0 : ep.metrics.waiting;
      const running = Number.isNaN(ep.metrics.running) ? 0 : ep.metrics.running;
      if (running + waiting > load) load = running + waiting;
      load += this.#waitingWeight * waiting;
    }
    return load;
  }
}

export const leastRequestFactory: PluginFactory = (name, raw) =>
  new LeastRequestScorer(name, parseParams(Params, LEAST_REQUEST_TYPE, name, raw));
