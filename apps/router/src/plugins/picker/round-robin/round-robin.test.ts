import { describe, expect, it } from "vitest";
import { cx, ep, handle } from "../../testing.ts";
import { roundRobinFactory } from "./index.ts";
import type { RoundRobinPicker } from "./index.ts";

describe("round-robin picker", () => {
  const [a, b, c] = ["a", "b", "c"].map((id) => ep({ id })) as [
    ReturnType<typeof ep>,
    ReturnType<typeof ep>,
    ReturnType<typeof ep>,
  ];
  const cases = [
    {
      name: "rotates in id order regardless of input order",
      input: [c, a, b],
      rounds: 4,
      max: 1,
      want: [["a"], ["b"], ["c"], ["a"]],
    },
    {
      name: "fallback list continues the rotation",
      input: [a, b, c],
      rounds: 2,
      max: 2,
      want: [
        ["a", "b"],
        ["b", "c"],
      ],
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const p = roundRobinFactory("rr", {}, handle()) as RoundRobinPicker;
      const got = Array.from({ length: tc.rounds }, () =>
        p.pick(cx(), tc.input, new Float64Array(3), tc.max).map((e) => e.id),
      );
      expect(got).toEqual(tc.want);
    });
  }
});
