import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Picker } from "../../../framework/scheduling.ts";
import { parseParams } from "../../params.ts";

export const ROUND_ROBIN_TYPE = "round-robin";

const Params = z.strictObject({});

/**
 * Rotates through the filtered endpoints (ordered by id, so the rotation is stable while the set is
 * unchanged); the fallback list continues the rotation. Scores are ignored.
 */
export class RoundRobinPicker implements Picker {
  readonly typedName: TypedName;
  #next = 0;

  constructor(name: string) {
    this.typedName = { type: ROUND_ROBIN_TYPE, name };
  }

  pick(
    _cx: CycleContext,
    eps: readonly Endpoint[],
    _totals: Float64Array,
    max: number,
  ): Endpoint[] {
    const n = eps.length;
    if (n === 0) return [];
    const sorted = eps.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const start = this.#next++ % n;
    if (this.#next >= Number.MAX_SAFE_INTEGER) this.#next = 0;
    const k = Math.min(max, n);
    const out = new Array<Endpoint>(k);
    for (let i = 0; i < k; i++) out[i] = sorted[(start + i) % n] as Endpoint;
    return out;
  }
}

export const roundRobinFactory: PluginFactory = (name, raw) => {
  parseParams(Params, ROUND_ROBIN_TYPE, name, raw);
  return new RoundRobinPicker(name);
};
