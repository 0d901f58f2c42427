import { describe, expect, it } from "vitest";
import { cx, ep, handle } from "../../testing.ts";
import { maxScoreFactory } from "./index.ts";
import type { MaxScorePicker } from "./index.ts";

describe("max-score picker", () => {
  const eps = ["a", "b", "c", "d"].map((id) => ep({ id }));
  const cases = [
    { name: "best first, up to max", totals: [1, 3, 2, 0], max: 3, want: ["b", "c", "a"] },
    { name: "single pick", totals: [1, 3, 2, 0], max: 1, want: ["b"] },
    {
      name: "max larger than candidates",
      totals: [1, 3, 2, 0],
      max: 10,
      want: ["b", "c", "a", "d"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = maxScoreFactory("m", {}, handle()) as MaxScorePicker;
      expect(p.pick(cx(), eps, Float64Array.from(c.totals), c.max).map((e) => e.id)).toEqual(
        c.want,
      );
    });
  }

  it("breaks ties at random (both tied endpoints get picked over many rounds)", () => {
    let seed = 1;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const p = maxScoreFactory("m", {}, handle(rnd)) as MaxScorePicker;
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++)
      seen.add(p.pick(cx(), eps, Float64Array.from([2, 2, 1, 0]), 1)[0]?.id ?? "");
    expect(seen).toEqual(new Set(["a", "b"]));
    const firsts = new Set<string>();
    for (let i = 0; i < 50; i++)
      firsts.add(p.pick(cx(), eps, Float64Array.from([2, 2, 1, 0]), 3)[0]?.id ?? "");
    expect(firsts).toEqual(new Set(["a", "b"]));
  });
});
