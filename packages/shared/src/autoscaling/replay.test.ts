import { describe, expect, it } from "vitest";
import { diurnalTrace, replayTrace, spikeTrace, stepTrace, type ReplaySample } from "./replay.ts";
import type { ScalingParams } from "./types.ts";

const MIN = 60_000;
const policy: ScalingParams = {
  metrics: [{ name: "rps", targetValue: 10 }],
  tolerancePercent: 10,
  behavior: {
    scaleUp: {
      stablePolicy: {
        instances: 2,
        percent: 100,
        periodMs: 15_000,
        selectPolicy: "Or",
        stabilizationWindowMs: 60_000,
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
      stabilizationWindowMs: 5 * MIN,
    },
  },
  minReplicas: 1,
  maxReplicas: 40,
};
const opts = { capacityPerReplica: 12, readyDelayMs: 60_000, decisionIntervalMs: 15_000 };

function directionChanges(s: readonly ReplaySample[]): number[] {
  const at: number[] = [];
  let dir = 0;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1];
    const b = s[i];
    if (!a || !b || a.desired === b.desired) continue;
    const d = Math.sign(b.desired - a.desired);
    if (dir !== 0 && d !== dir) at.push(b.t);
    dir = d;
  }
  return at;
}

function noScaleDownInPanic(s: readonly ReplaySample[]) {
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1];
    const b = s[i];
    if (a && b && b.mode === "Panic")
      expect(b.desired, `t=${b.t}`).toBeGreaterThanOrEqual(a.desired);
  }
}

describe("replayTrace", () => {
  it("step: reacts at the first decision after the step, in panic, and settles at demand/target", () => {
    const trace = stepTrace({
      durationMs: 30 * MIN,
      stepMs: 5_000,
      before: 20,
      after: 100,
      atMs: 10 * MIN,
    });
    const s = replayTrace(policy, trace, { ...opts, initialReplicas: 2 });
    const before = s.filter((x) => x.t < 10 * MIN);
    expect(before.every((x) => x.desired === 2 && x.mode === "Stable")).toBe(true);
    const firstUp = s.find((x) => x.t >= 10 * MIN && x.desired > 2);
    expect(firstUp).toBeDefined();
    expect((firstUp?.t ?? Infinity) - 10 * MIN).toBeLessThanOrEqual(
      policy.behavior.scaleUp.panicPolicy?.periodMs ?? 0,
    );
    expect(firstUp?.mode).toBe("Panic");
    // Panic rate: ×3 of the period's reference (2) = 6 at most on the first step.
    expect(firstUp?.desired).toBe(6);
    const last = s.at(-1);
    expect(last?.desired).toBe(10);
    expect(last?.ready).toBe(10);
    expect(last?.served).toBe(100);
    noScaleDownInPanic(s);
    // Ready lags desired by the start-up delay.
    const lag = s.find((x) => x.t === (firstUp?.t ?? 0) + 30_000);
    expect(lag?.ready).toBe(2);
  });

  it("spike: reacts within the panic window, holds during panic, scales down only after the stabilization window", () => {
    const trace = spikeTrace({
      durationMs: 40 * MIN,
      stepMs: 5_000,
      base: 20,
      peak: 200,
      atMs: 5 * MIN,
      widthMs: 2 * MIN,
    });
    const s = replayTrace(policy, trace, { ...opts, initialReplicas: 2 });
    const react = s.find((x) => x.t >= 5 * MIN && x.desired > 2);
    expect((react?.t ?? Infinity) - 5 * MIN).toBeLessThanOrEqual(15_000);
    noScaleDownInPanic(s);
    const peak = Math.max(...s.map((x) => x.desired));
    expect(peak).toBe(20);
    // No scale-down for 5 minutes after the last high recommendation (spike ended at 7 min).
    const firstDown = s.find((x, i) => i > 0 && x.desired < (s[i - 1]?.desired ?? 0));
    expect(firstDown?.t ?? 0).toBeGreaterThanOrEqual(7 * MIN + 5 * MIN - 15_000);
    expect(s.at(-1)?.desired).toBe(2);
  });

  it("noisy diurnal sine: tracks demand with at most one direction change per 10 simulated minutes", () => {
    const trace = diurnalTrace({
      durationMs: 6 * 60 * MIN,
      stepMs: 5_000,
      mean: 100,
      amplitude: 60,
      periodMs: 120 * MIN,
      noise: 0.15,
      seed: 42,
    });
    const s = replayTrace(policy, trace, { ...opts, initialReplicas: 10 });
    const changes = directionChanges(s);
    for (let i = 1; i < changes.length; i++) {
      expect(
        (changes[i] ?? 0) - (changes[i - 1] ?? 0),
        `changes at ${changes.join(",")}`,
      ).toBeGreaterThanOrEqual(10 * MIN);
    }
    // It still follows the sine: 3 periods ⇒ roughly 2 changes per period.
    expect(changes.length).toBeGreaterThanOrEqual(4);
    expect(changes.length).toBeLessThanOrEqual(8);
    const served = s.reduce((a, x) => a + x.served, 0) / s.reduce((a, x) => a + x.demand, 0);
    expect(served).toBeGreaterThan(0.95);
  });

  it("the same tuner without stabilization flaps on the noisy sine (the test above can fail)", () => {
    const flappy: ScalingParams = {
      ...policy,
      behavior: {
        scaleUp: {
          stablePolicy: { ...policy.behavior.scaleUp.stablePolicy, stabilizationWindowMs: 0 },
        },
        scaleDown: { ...policy.behavior.scaleDown, stabilizationWindowMs: 0 },
      },
    };
    const trace = diurnalTrace({
      durationMs: 6 * 60 * MIN,
      stepMs: 5_000,
      mean: 100,
      amplitude: 60,
      periodMs: 120 * MIN,
      noise: 0.15,
      seed: 42,
    });
    const changes = directionChanges(replayTrace(flappy, trace, { ...opts, initialReplicas: 10 }));
    expect(changes.length).toBeGreaterThan(20);
  });

  it("per-pod metrics: unready new pods never cause a scale-down while they start", () => {
    const trace = stepTrace({
      durationMs: 15 * MIN,
      stepMs: 5_000,
      before: 20,
      after: 90,
      atMs: 2 * MIN,
    });
    const s = replayTrace(policy, trace, { ...opts, initialReplicas: 2, metricKind: "pods" });
    for (let i = 1; i < s.length; i++)
      expect(s[i]?.desired ?? 0).toBeGreaterThanOrEqual(s[i - 1]?.desired ?? 0);
    expect(s.at(-1)?.desired).toBe(9);
    expect(s.at(-1)?.metricValue).toBeCloseTo(10, 5);
  });
});
