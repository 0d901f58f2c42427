import { describe, expect, it } from "vitest";
import { cx, ep, handle } from "../../testing.ts";
import { randomFactory } from "./index.ts";
import type { RandomPicker } from "./index.ts";

describe("random picker", () => {
  const eps = ["a", "b", "c", "d"].map((id) => ep({ id }));
  const cases = [
    { name: "returns max distinct endpoints", max: 3, want: 3 },
    { name: "caps at the number of candidates", max: 9, want: 4 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = randomFactory("r", {}, handle(Math.random)) as RandomPicker;
      const got = p.pick(cx(), eps, new Float64Array(4), c.max).map((e) => e.id);
      expect(got).toHaveLength(c.want);
      expect(new Set(got).size).toBe(c.want);
    });
  }

  it("is roughly uniform and ignores scores", () => {
    const p = randomFactory("r", {}, handle(Math.random)) as RandomPicker;
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const id = p.pick(cx(), eps, Float64Array.from([100, 0, 0, 0]), 1)[0]?.id ?? "";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of ["a", "b", "c", "d"])
      expect(Math.abs((counts.get(id) ?? 0) / 4000 - 0.25)).toBeLessThan(0.05);
  });
});
