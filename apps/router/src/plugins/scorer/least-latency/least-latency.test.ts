import { describe, expect, it } from "vitest";
import { ep, handle, req, scores } from "../../testing.ts";
import { leastLatencyFactory } from "./index.ts";
import type { LeastLatencyScorer } from "./index.ts";

const lat = (ttft: number, tpot: number) =>
  ep({ metrics: { ttftSeconds: ttft, tpotSeconds: tpot } });

describe("least-latency scorer", () => {
  const cases = [
    {
      name: "min–max normalised, α = 0.5",
      params: {},
      eps: [lat(0.1, 0.02), lat(0.3, 0.01), lat(0.2, 0.015)],
      want: [0.5, 0.5, 0.5],
    },
    {
      name: "α = 1 uses TTFT only",
      params: { ttftWeight: 1 },
      eps: [lat(0.1, 0.02), lat(0.3, 0.01), lat(0.2, 0.015)],
      want: [1, 0, 0.5],
    },
    {
      name: "α = 0 uses TPOT only",
      params: { ttftWeight: 0 },
      eps: [lat(0.1, 0.02), lat(0.3, 0.01)],
      want: [0, 1],
    },
    { name: "all equal → 1", params: {}, eps: [lat(0.1, 0.01), lat(0.1, 0.01)], want: [1, 1] },
    {
      name: "no data → unknownScore per component",
      params: {},
      eps: [ep(), lat(0.1, 0.01)],
      want: [0.5, 1],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(
        await scores(
          leastLatencyFactory("l", c.params, handle()) as LeastLatencyScorer,
          req(),
          c.eps,
        ),
      ).toEqual(c.want);
    });
  }

  it("rejects α outside [0,1]", () => {
    expect(() => leastLatencyFactory("l", { ttftWeight: 1.5 }, handle())).toThrow(
      /invalid parameters/,
    );
  });
});
