import { describe, expect, it } from "vitest";
import { recommendExternal, recommendPods } from "./recommend.ts";
import { Recommender, scaleDownFloor, scaleUpCap } from "./recommender.ts";
import type {
  BehaviorParams,
  MetricObservation,
  PodSample,
  ScalingParams,
  StablePolicyParams,
} from "./types.ts";

const stable = (o: Partial<StablePolicyParams> = {}): StablePolicyParams => ({
  instances: 1000,
  percent: 1000,
  periodMs: 0,
  selectPolicy: "Or",
  stabilizationWindowMs: 0,
  ...o,
});

function params(
  o: Partial<ScalingParams> & {
    up?: Partial<StablePolicyParams>;
    down?: Partial<StablePolicyParams>;
    panic?: BehaviorParams["scaleUp"]["panicPolicy"];
  } = {},
): ScalingParams {
  const behavior: BehaviorParams = {
    scaleUp: { stablePolicy: stable(o.up), ...(o.panic ? { panicPolicy: o.panic } : {}) },
    scaleDown: stable(o.down),
  };
  return {
    metrics: o.metrics ?? [{ name: "rps", targetValue: 1 }],
    tolerancePercent: o.tolerancePercent ?? 10,
    behavior,
    minReplicas: o.minReplicas ?? 0,
    maxReplicas: o.maxReplicas ?? 1000,
  };
}

const ext = (value: number): Record<string, MetricObservation> => ({
  rps: { kind: "external", value },
});
const pods = (ready: number[], unready = 0, missing = 0): PodSample[] => [
  ...ready.map((value, i) => ({ pod: `p${i}`, ready: true, value })),
  ...Array.from({ length: unready }, (_, i) => ({ pod: `u${i}`, ready: false })),
  ...Array.from({ length: missing }, (_, i) => ({ pod: `m${i}`, ready: true })),
];

describe("raw recommendation (HPA rules)", () => {
  it.each([
    // value, target, current, tolerance, expected desired, rule
    [10.5, 1, 10, 0.1, 10, "tolerance"],
    [11.5, 1, 10, 0.1, 12, "none"],
    [8.9, 1, 10, 0.1, 9, "none"],
    [9.0, 1, 10, 0.1, 10, "tolerance"],
    [3, 0.5, 0, 0.1, 6, "none"],
    [0, 1, 5, 0.1, 0, "none"],
    [10.5, 1, 10, 0, 11, "none"],
  ] as const)(
    "external %d / target %d with current %d, tol %d ⇒ %d (%s)",
    (v, target, current, tol, want, rule) => {
      const r = recommendExternal(v, target, current, tol);
      expect(r.desired).toBe(want);
      expect(r.rule).toBe(rule);
    },
  );

  it("pods all ready: ceil(Σ / target) outside the band, current inside", () => {
    expect(recommendPods(pods([3, 3, 3]), 1, 3, 0.1).desired).toBe(9);
    expect(recommendPods(pods([1.05, 1, 0.98]), 1, 3, 0.1)).toMatchObject({
      desired: 3,
      rule: "tolerance",
    });
    expect(recommendPods(pods([0.2, 0.2, 0.2, 0.2]), 1, 4, 0.1).desired).toBe(1);
  });

  it("unready pods count as 0 on scale-up, and a direction flip keeps current", () => {
    // Ready pods alone say ratio 1.5 (up) but ceil(1.5 × 2) = 3 < current 4; counting the two unready
    // pods as 0 gives ratio 0.75, a flip ⇒ keep 4 instead of scaling down while pods start.
    expect(recommendPods(pods([3, 3], 2), 2, 4, 0.1)).toMatchObject({
      desired: 4,
      rule: "directionFlip",
    });
    // Genuine scale-up with unready pods: Σ/target, reported as unreadyPods.
    expect(recommendPods(pods([5, 5], 1), 2, 3, 0.1)).toMatchObject({
      desired: 5,
      rule: "unreadyPods",
    });
  });

  it("missing pods count as target on scale-down and as 0 on scale-up", () => {
    // Ready average 1 vs target 2 (down); two missing pods assumed at target ⇒ (2 + 4)/2 = 3, not 1.
    expect(recommendPods(pods([1, 1], 0, 2), 2, 4, 0.1).desired).toBe(3);
    // Ready average 4 vs target 2 (up); two missing pods as 0 ⇒ ratio 1 ⇒ tolerance keeps 3.
    expect(recommendPods(pods([4, 4], 0, 2), 2, 3, 0.1)).toMatchObject({
      desired: 3,
      rule: "tolerance",
    });
  });

  it("unready pods are ignored when scaling down", () => {
    expect(recommendPods(pods([0.5, 0.5], 2), 1, 4, 0.1).desired).toBe(1);
  });

  it("no ready sample ⇒ no opinion", () => {
    expect(recommendPods(pods([], 3), 1, 3, 0.1).desired).toBeUndefined();
  });
});

describe("rate limits: Or/And, instances vs percent", () => {
  it.each([
    // M, instances, percent, select, cap
    [4, 2, 100, "Or", 8],
    [4, 2, 100, "And", 6],
    [4, 10, 100, "Or", 14],
    [4, 10, 100, "And", 8],
    [0, 2, 100, "Or", 2],
    [0, 2, 100, "And", 1], // from zero at least 1
    [3, 1, 50, "Or", 5],
  ] as const)(
    "scale-up cap M=%d instances=%d percent=%d %s ⇒ %d",
    (m, instances, percent, selectPolicy, want) => {
      expect(scaleUpCap(m, { instances, percent, selectPolicy })).toBe(want);
    },
  );

  it.each([
    [10, 2, 50, "Or", 5],
    [10, 2, 50, "And", 8],
    [10, 8, 50, "Or", 2],
    [10, 8, 50, "And", 5],
    [3, 1, 100, "Or", 0],
    [3, 5, 0, "And", 3],
  ] as const)(
    "scale-down floor M=%d instances=%d percent=%d %s ⇒ %d",
    (m, instances, percent, selectPolicy, want) => {
      expect(scaleDownFloor(m, { instances, percent, selectPolicy })).toBe(want);
    },
  );

  it("applies the cap through the recommender and names it", () => {
    const or = new Recommender(params({ up: { instances: 2, percent: 100, selectPolicy: "Or" } }));
    const and = new Recommender(
      params({ up: { instances: 2, percent: 100, selectPolicy: "And" } }),
    );
    expect(or.decide({ now: 0, currentReplicas: 4, observations: ext(20) })).toMatchObject({
      desired: 8,
      reason: { limit: "scaleUpRate", recommended: 20 },
    });
    expect(and.decide({ now: 0, currentReplicas: 4, observations: ext(20) }).desired).toBe(6);
  });

  it("one budget per period: the reference is the count at the period start", () => {
    const r = new Recommender(params({ up: { instances: 1, percent: 0, periodMs: 60_000 } }));
    expect(r.decide({ now: 0, currentReplicas: 2, observations: ext(10) }).desired).toBe(3);
    expect(r.decide({ now: 15_000, currentReplicas: 3, observations: ext(10) }).desired).toBe(3);
    expect(r.decide({ now: 45_000, currentReplicas: 3, observations: ext(10) }).desired).toBe(3);
    expect(r.decide({ now: 60_000, currentReplicas: 3, observations: ext(10) }).desired).toBe(4);
  });

  it("scale-down floor with a period", () => {
    const r = new Recommender(
      params({ down: { instances: 2, percent: 0, periodMs: 30_000, selectPolicy: "Or" } }),
    );
    expect(r.decide({ now: 0, currentReplicas: 10, observations: ext(1) })).toMatchObject({
      desired: 8,
      reason: { limit: "scaleDownRate" },
    });
    expect(r.decide({ now: 15_000, currentReplicas: 8, observations: ext(1) }).desired).toBe(8);
    expect(r.decide({ now: 30_000, currentReplicas: 8, observations: ext(1) }).desired).toBe(6);
  });
});

describe("stabilization windows", () => {
  it("scale-down uses the highest recommendation of the window; 0 disables", () => {
    const r = new Recommender(params({ down: { stabilizationWindowMs: 60_000 } }));
    expect(r.decide({ now: 0, currentReplicas: 10, observations: ext(10) }).desired).toBe(10);
    expect(r.decide({ now: 15_000, currentReplicas: 10, observations: ext(5) })).toMatchObject({
      desired: 10,
      reason: { limit: "scaleDownStabilization" },
    });
    expect(r.decide({ now: 45_000, currentReplicas: 10, observations: ext(7) }).desired).toBe(10);
    // t=0 (10) has left the window; max(5@15s, 7@45s, 3@60s) = 7.
    expect(r.decide({ now: 60_000, currentReplicas: 10, observations: ext(3) })).toMatchObject({
      desired: 7,
      reason: { limit: "scaleDownStabilization" },
    });
    const off = new Recommender(params({ down: { stabilizationWindowMs: 0 } }));
    off.decide({ now: 0, currentReplicas: 10, observations: ext(10) });
    expect(off.decide({ now: 15_000, currentReplicas: 10, observations: ext(5) }).desired).toBe(5);
  });

  it("scale-up uses the lowest recommendation of the window", () => {
    const r = new Recommender(params({ up: { stabilizationWindowMs: 30_000 } }));
    expect(r.decide({ now: 0, currentReplicas: 4, observations: ext(4) }).desired).toBe(4);
    expect(r.decide({ now: 15_000, currentReplicas: 4, observations: ext(10) })).toMatchObject({
      desired: 4,
      reason: { limit: "scaleUpStabilization" },
    });
    expect(r.decide({ now: 30_000, currentReplicas: 4, observations: ext(12) }).desired).toBe(10);
  });
});

describe("bounds", () => {
  it("clamps the recommendation and corrects a current count outside [min, max]", () => {
    const r = new Recommender(params({ minReplicas: 2, maxReplicas: 10 }));
    expect(r.decide({ now: 0, currentReplicas: 5, observations: ext(100) })).toMatchObject({
      desired: 10,
      reason: { limit: "maxReplicas", recommended: 10 },
    });
    expect(r.decide({ now: 1, currentReplicas: 5, observations: ext(0) })).toMatchObject({
      desired: 2,
      reason: { limit: "minReplicas" },
    });
    expect(r.decide({ now: 2, currentReplicas: 0, observations: {} })).toMatchObject({
      desired: 2,
      reason: { limit: "minReplicas" },
    });
    expect(r.decide({ now: 3, currentReplicas: 14, observations: {} })).toMatchObject({
      desired: 10,
      reason: { limit: "maxReplicas" },
    });
    expect(r.decide({ now: 4, currentReplicas: 5, observations: {} })).toMatchObject({
      desired: 5,
      reason: { limit: "noMetrics" },
    });
  });

  it("takes the largest recommendation over metrics and names it", () => {
    const r = new Recommender(
      params({
        metrics: [
          { name: "rps", targetValue: 10 },
          { name: "queue", targetValue: 2 },
        ],
      }),
    );
    const d = r.decide({
      now: 0,
      currentReplicas: 1,
      observations: {
        rps: { kind: "external", value: 30 },
        queue: { kind: "external", value: 12 },
      },
    });
    expect(d.desired).toBe(6);
    expect(d.reason).toMatchObject({ metric: "queue", value: 12, target: 2 });
    expect(d.reason.message).toContain("queue=12");
  });
});

describe("panic mode", () => {
  const panic = {
    percent: 100,
    periodMs: 10_000,
    panicThresholdPercent: 200,
    panicModeHoldMs: 60_000,
  };

  it("enters at the threshold, caps growth per panic period, never scales down, and leaves after the hold", () => {
    const r = new Recommender(
      params({ panic, up: { instances: 1, percent: 0, periodMs: 60_000 } }),
    );
    // 3 < 2 × 2: stable, +1 by the stable policy.
    expect(r.decide({ now: 0, currentReplicas: 2, observations: ext(3) })).toMatchObject({
      desired: 3,
      mode: "Stable",
    });
    // 20 ≥ 2 × 3 ⇒ panic, capped at 3 × (1 + 100%) = 6.
    expect(r.decide({ now: 15_000, currentReplicas: 3, observations: ext(20) })).toMatchObject({
      desired: 6,
      mode: "Panic",
      reason: { limit: "panicRate" },
    });
    // Next panic period: reference 6 ⇒ 12.
    expect(r.decide({ now: 30_000, currentReplicas: 6, observations: ext(20) }).desired).toBe(12);
    // Demand collapses but panic holds: no scale-down.
    expect(r.decide({ now: 45_000, currentReplicas: 12, observations: ext(1) })).toMatchObject({
      desired: 12,
      mode: "Panic",
      reason: { limit: "noScaleDownInPanic" },
    });
    expect(r.decide({ now: 74_000, currentReplicas: 12, observations: ext(1) }).mode).toBe("Panic");
    // Hold expired (last trigger at 30 s + 60 s): stable again, scale-down allowed.
    const after = r.decide({ now: 90_000, currentReplicas: 12, observations: ext(1) });
    expect(after.mode).toBe("Stable");
    expect(after.desired).toBeLessThan(12);
  });

  it("a small panic percent never scales below the current count", () => {
    const slow = {
      percent: 10,
      periodMs: 60_000,
      panicThresholdPercent: 200,
      panicModeHoldMs: 60_000,
    };
    const r = new Recommender(params({ panic: slow }));
    expect(r.decide({ now: 0, currentReplicas: 2, observations: ext(40) }).desired).toBe(3);
    // The controller scaled to 10 by other means; the panic reference (2) would cap at 3.
    expect(r.decide({ now: 15_000, currentReplicas: 10, observations: ext(40) })).toMatchObject({
      desired: 10,
      mode: "Panic",
    });
  });

  it("scales from zero in panic", () => {
    const r = new Recommender(params({ panic }));
    expect(r.decide({ now: 0, currentReplicas: 0, observations: ext(5) })).toMatchObject({
      desired: 1,
      mode: "Panic",
    });
  });

  it("without a panic policy large jumps stay stable", () => {
    const r = new Recommender(params());
    expect(r.decide({ now: 0, currentReplicas: 1, observations: ext(50) })).toMatchObject({
      desired: 50,
      mode: "Stable",
    });
  });
});
