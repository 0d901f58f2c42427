import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Picker } from "../../../framework/scheduling.ts";
import { parseParams } from "../../params.ts";

export const MAX_SCORE_TYPE = "max-score";

const Params = z.strictObject({});

/** Highest weighted total first; ties broken at random so equal endpoints share load. */
export class MaxScorePicker implements Picker {
  readonly typedName: TypedName;
  readonly #random: () => number;

  constructor(name: string, random: () => number) {
    this.typedName = { type: MAX_SCORE_TYPE, name };
    this.#random = random;
  }

  pick(_cx: CycleContext, eps: readonly Endpoint[], totals: Float64Array, max: number): Endpoint[] {
    const n = eps.length;
    if (n === 0) return [];
    if (max === 1 || n === 1) {
      // Single best with reservoir tie-breaking, no sort and no allocation beyond the result.
      let best = 0;
      let ties = 1;
      for (let i = 1; i < n; i++) {
        const d = (totals[i] as number) - (totals[best] as number);
        if (d > 0) {
          best = i;
          ties = 1;
        } else if (d === 0 && this.#random() * ++ties < 1) {
          best = i;
        }
      }
      return [eps[best] as Endpoint];
    }
    const idx = new Array<number>(n);
    const tie = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      idx[i] = i;
      tie[i] = this.#random();
    }
    idx.sort(
      (a, b) =>
        (totals[b] as number) - (totals[a] as number) || (tie[a] as number) - (tie[b] as number),
    );
    const k = Math.min(max, n);
    const out = new Array<Endpoint>(k);
    for (let i = 0; i < k; i++) out[i] = eps[idx[i] as number] as Endpoint;
    return out;
  }
}

export const maxScoreFactory: PluginFactory = (name, raw, handle) => {
  parseParams(Params, MAX_SCORE_TYPE, name, raw);
  return new MaxScorePicker(name, () => handle.random());
};
