import { describe, expect, it } from "vitest";
import { mulberry32 } from "./replay.ts";
import { SlidingExtremum } from "./window.ts";

describe("SlidingExtremum (monotonic deque)", () => {
  it("matches a brute-force window min/max over random streams, including equal timestamps", () => {
    const rnd = mulberry32(11);
    for (const kind of ["min", "max"] as const) {
      for (const windowMs of [1, 15_000, 60_000, 300_000]) {
        const w = new SlidingExtremum(kind, windowMs);
        const points: [number, number][] = [];
        let t = 0;
        for (let i = 0; i < 600; i++) {
          t += rnd() < 0.2 ? 0 : Math.floor(rnd() * 20_000);
          const v = Math.floor(rnd() * 50);
          w.record(t, v);
          points.push([t, v]);
          const now = t + (rnd() < 0.3 ? Math.floor(rnd() * windowMs) : 0);
          const inside = points.filter(([pt]) => pt > now - windowMs).map(([, pv]) => pv);
          const want =
            inside.length === 0
              ? undefined
              : kind === "min"
                ? Math.min(...inside)
                : Math.max(...inside);
          expect(w.query(now)).toBe(want);
          t = now;
        }
      }
    }
  });

  it("a 0 ms window is always empty (the constraint is disabled)", () => {
    const w = new SlidingExtremum("max", 0);
    w.record(5, 10);
    expect(w.query(5)).toBeUndefined();
  });

  it("a point leaves the window exactly windowMs later", () => {
    const w = new SlidingExtremum("max", 1000);
    w.record(0, 7);
    expect(w.query(999)).toBe(7);
    expect(w.query(1000)).toBeUndefined();
  });

  it("rejects time going backwards", () => {
    const w = new SlidingExtremum("min", 1000);
    w.record(10, 1);
    expect(() => w.record(5, 1)).toThrow(/backwards/);
  });
});
