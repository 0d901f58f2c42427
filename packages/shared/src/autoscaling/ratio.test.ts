import { describe, expect, it } from "vitest";
import {
  DisaggregatedRecommender,
  ratioHolds,
  repairRatio,
  type RatioConstraint,
  type RoleCount,
} from "./ratio.ts";
import { mulberry32 } from "./replay.ts";
import type { ScalingParams } from "./types.ts";

function feasiblePairs(num: RoleCount, den: RoleCount, c: RatioConstraint): [number, number][] {
  const out: [number, number][] = [];
  for (let n = num.min; n <= num.max; n++)
    for (let d = den.min; d <= den.max; d++) if (ratioHolds(n, d, c)) out.push([n, d]);
  return out;
}

describe("repairRatio (kthena.md §5 rules)", () => {
  const c = { minRatio: 0.25, maxRatio: 1 };
  it.each([
    // numerator (desired,min,max), denominator, expected num/den, adjusted
    [{ desired: 2, min: 0, max: 8 }, { desired: 4, min: 0, max: 16 }, 2, 4, false],
    [{ desired: 1, min: 0, max: 8 }, { desired: 8, min: 0, max: 16 }, 2, 8, true], // raise numerator
    [{ desired: 1, min: 0, max: 2 }, { desired: 16, min: 0, max: 16 }, 2, 8, true], // saturate num, lower den
    [{ desired: 6, min: 0, max: 8 }, { desired: 3, min: 0, max: 16 }, 6, 6, true], // raise denominator
    [{ desired: 8, min: 0, max: 8 }, { desired: 3, min: 0, max: 5 }, 5, 5, true], // saturate den, lower num
    [{ desired: 0, min: 0, max: 8 }, { desired: 0, min: 0, max: 16 }, 0, 0, false], // both zero allowed
    [{ desired: 0, min: 0, max: 8 }, { desired: 3, min: 0, max: 16 }, 1, 3, true], // one zero seeded to 1
    [{ desired: 3, min: 0, max: 8 }, { desired: 0, min: 0, max: 16 }, 3, 3, true], // seeded, then max ratio
  ] as const)("%o / %o ⇒ %d/%d", (num, den, n, d, adjusted) => {
    const r = repairRatio(num, den, c);
    expect([r.numerator, r.denominator]).toEqual([n, d]);
    expect(r.adjusted).toBe(adjusted);
    expect(r.satisfied).toBe(true);
  });

  it("falls back to the nearest pair when rounding defeats the rule (min = max = 0.5, den 3)", () => {
    const r = repairRatio(
      { desired: 1, min: 0, max: 8 },
      { desired: 3, min: 0, max: 8 },
      { minRatio: 0.5, maxRatio: 0.5 },
    );
    expect(r.satisfied).toBe(true);
    expect([r.numerator, r.denominator]).toEqual([2, 4]);
  });

  it("reports an unsatisfiable constraint instead of inventing replicas", () => {
    const r = repairRatio(
      { desired: 1, min: 1, max: 1 },
      { desired: 5, min: 5, max: 5 },
      { minRatio: 0.5 },
    );
    expect(r.satisfied).toBe(false);
    expect([r.numerator, r.denominator]).toEqual([1, 5]);
    expect(r.message).toMatch(/violates/);
  });

  it("property: 5 000 random inputs — bounds kept, ratio holds whenever any pair can, never removes replicas needlessly", () => {
    const rnd = mulberry32(20260524);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    for (let i = 0; i < 5000; i++) {
      const num = { min: int(0, 4), max: 0, desired: 0 };
      num.max = Math.max(1, num.min + int(0, 12)); // the schema requires maxReplicas ≥ 1
      num.desired = int(0, 20);
      const den = { min: int(0, 4), max: 0, desired: 0 };
      den.max = Math.max(1, den.min + int(0, 12));
      den.desired = int(0, 20);
      const a = Math.round(rnd() * 300) / 100 + 0.1;
      const b = Math.round(rnd() * 300) / 100 + 0.1;
      const c: RatioConstraint =
        rnd() < 0.15
          ? { minRatio: Math.min(a, b) }
          : rnd() < 0.15
            ? { maxRatio: Math.max(a, b) }
            : { minRatio: Math.min(a, b), maxRatio: Math.max(a, b) };
      const r = repairRatio(num, den, c);
      const ctx = JSON.stringify({ num, den, c, r });
      expect(r.numerator, ctx).toBeGreaterThanOrEqual(num.min);
      expect(r.numerator, ctx).toBeLessThanOrEqual(num.max);
      expect(r.denominator, ctx).toBeGreaterThanOrEqual(den.min);
      expect(r.denominator, ctx).toBeLessThanOrEqual(den.max);
      // Scaling a loaded pair to 0/0 is never a repair; (0, 0) only counts when both asked for 0.
      const n0 = Math.min(num.max, Math.max(num.min, num.desired));
      const d0 = Math.min(den.max, Math.max(den.min, den.desired));
      const pairs = feasiblePairs(num, den, c).filter(([n, d]) => n + d > 0 || n0 + d0 === 0);
      expect(r.satisfied, ctx).toBe(pairs.length > 0);
      if (r.satisfied) expect(ratioHolds(r.numerator, r.denominator, c), ctx).toBe(true);
      if (pairs.some(([n, d]) => n >= n0 && d >= d0)) {
        expect(r.numerator >= n0 && r.denominator >= d0, `scale-up bias ${ctx}`).toBe(true);
      }
    }
  });
});

describe("DisaggregatedRecommender", () => {
  const role = (min: number, max: number, metric: string): ScalingParams => ({
    metrics: [{ name: metric, targetValue: 1 }],
    tolerancePercent: 10,
    behavior: {
      scaleUp: {
        stablePolicy: {
          instances: 2,
          percent: 100,
          periodMs: 15_000,
          selectPolicy: "Or",
          stabilizationWindowMs: 0,
        },
        panicPolicy: {
          percent: 200,
          periodMs: 15_000,
          panicThresholdPercent: 200,
          panicModeHoldMs: 60_000,
        },
      },
      scaleDown: {
        instances: 1,
        percent: 100,
        periodMs: 15_000,
        selectPolicy: "Or",
        stabilizationWindowMs: 60_000,
      },
    },
    minReplicas: min,
    maxReplicas: max,
  });

  it("property: the ratio holds after every decision over random load walks", () => {
    const rnd = mulberry32(7);
    for (let run = 0; run < 40; run++) {
      const c = { minRatio: 0.25 + Math.floor(rnd() * 4) * 0.25, maxRatio: 0 };
      c.maxRatio = c.minRatio + Math.floor(rnd() * 4) * 0.5;
      const rec = new DisaggregatedRecommender({
        numeratorRole: "prefill",
        denominatorRole: "decode",
        roles: { prefill: role(1, 8, "p"), decode: role(1, 16, "d") },
        ratio: c,
      });
      let p = 1;
      let d = 1;
      let lp = 1;
      let ld = 1;
      for (let t = 0; t < 40 * 15_000; t += 15_000) {
        lp = Math.max(0, lp * (0.6 + rnd() * 0.9));
        ld = Math.max(0, ld * (0.6 + rnd() * 0.9)) + (rnd() < 0.05 ? 10 : 0);
        const out = rec.decide(t, {
          prefill: { currentReplicas: p, observations: { p: { kind: "external", value: lp } } },
          decode: { currentReplicas: d, observations: { d: { kind: "external", value: ld } } },
        });
        p = out.roles["prefill"]?.desired ?? -1;
        d = out.roles["decode"]?.desired ?? -1;
        expect(out.ratio?.satisfied).toBe(true);
        expect(ratioHolds(p, d, c), JSON.stringify({ t, p, d, c })).toBe(true);
      }
    }
  });

  it("pins a role whose min equals max", () => {
    const rec = new DisaggregatedRecommender({
      numeratorRole: "prefill",
      denominatorRole: "decode",
      roles: { prefill: role(2, 2, "p"), decode: role(1, 16, "d") },
    });
    const out = rec.decide(0, {
      prefill: { currentReplicas: 2, observations: { p: { kind: "external", value: 100 } } },
      decode: { currentReplicas: 1, observations: { d: { kind: "external", value: 3 } } },
    });
    expect(out.roles["prefill"]?.desired).toBe(2);
    expect(out.roles["decode"]?.desired).toBe(3);
  });
});
