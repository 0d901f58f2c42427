import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Picker } from "../../../framework/scheduling.ts";
import { parseParams } from "../../params.ts";

export const RANDOM_TYPE = "random";

const Params = z.strictObject({});

/** Uniformly random order over the filtered endpoints; scores are ignored (a baseline). */
export class RandomPicker implements Picker {
  readonly typedName: TypedName;
  readonly #random: () => number;

  constructor(name: string, random: () => number) {
    this.typedName = { type: RANDOM_TYPE, name };
    this.#random = random;
  }

  pick(
    _cx: CycleContext,
    eps: readonly Endpoint[],
    _totals: Float64Array,
    max: number,
  ): Endpoint[] {
    const a = eps.slice();
    const k = Math.min(max, a.length);
    // Partial Fisher–Yates: the first k slots are a uniform random sample in random order.
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.#random() * (a.length - i));
      const t = a[i] as Endpoint;
      a[i] = a[j] as Endpoint;
      a[j] = t;
    }
    a.length = k;
    return a;
  }
}

export const randomFactory: PluginFactory = (name, raw, handle) => {
  parseParams(Params, RANDOM_TYPE, name, raw);
  return new RandomPicker(name, () => handle.random());
};
