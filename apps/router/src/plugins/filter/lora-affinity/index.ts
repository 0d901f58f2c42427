import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Filter } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { parseParams } from "../../params.ts";

export const LORA_AFFINITY_TYPE = "lora-affinity";

const Params = z.strictObject({
  /**
   * When no endpoint reports the adapter loaded: `all` keeps every endpoint (engines that load
   * adapters on demand), `none` fails scheduling.
   */
  fallback: z.enum(["all", "none"]).default("all"),
});

/** For LoRA requests, keeps the endpoints that report the adapter as loaded (/v1/models, lora info). */
export class LoraAffinityFilter implements Filter {
  readonly typedName: TypedName;
  readonly #strict: boolean;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: LORA_AFFINITY_TYPE, name };
    this.#strict = params.fallback === "none";
  }

  filter(_cx: CycleContext, req: InferenceRequest, eps: readonly Endpoint[]): readonly Endpoint[] {
    if (!req.isLora) return eps;
    const keep = eps.filter((ep) => ep.metrics.models.has(req.targetModel));
    if (keep.length === 0 && !this.#strict) return eps;
    return keep;
  }
}

export const loraAffinityFactory: PluginFactory = (name, raw) =>
  new LoraAffinityFilter(name, parseParams(Params, LORA_AFFINITY_TYPE, name, raw));
