import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { fresh, parseParams } from "../../params.ts";

export const KV_CACHE_USAGE_TYPE = "kv-cache-usage";

const Params = z.strictObject({
  /** Score for endpoints without a fresh utilisation sample. */
  unknownScore: z.number().min(0).max(1).default(0.5),
});

/** score = 1 − kv_cache_usage (engine gauge 0..1); `unknownScore` when stale or not reported. */
export class KvCacheUsageScorer implements Scorer {
  readonly typedName: TypedName;
  readonly category = "balance" as const;
  readonly #unknown: number;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: KV_CACHE_USAGE_TYPE, name };
    this.#unknown = params.unknownScore;
  }

  score(
    _cx: CycleContext,
    _req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i] as Endpoint;
      const u = ep.metrics.kvCacheUsage;
      out[i] = fresh(ep) && !Number.isNaN(u) ? 1 - u : this.#unknown;
    }
  }
}

export const kvCacheUsageFactory: PluginFactory = (name, raw) =>
  new KvCacheUsageScorer(name, parseParams(Params, KV_CACHE_USAGE_TYPE, name, raw));
