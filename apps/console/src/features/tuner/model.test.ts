import { describe, expect, it } from "vitest";
import {
  builtInTrace,
  DEFAULT_POLICY,
  DEFAULT_TRACE,
  panicRanges,
  parsePolicy,
  parseTraceCsv,
  runReplay,
} from "./model";

describe("tuner model", () => {
  it("parses the default policy into the core's parameters", () => {
    const p = parsePolicy(DEFAULT_POLICY);
    if (!p.ok) throw new Error(p.errors.join("; "));
    expect(p.params.minReplicas).toBe(1);
    expect(p.params.maxReplicas).toBe(12);
    expect(p.params.behavior.scaleDown.stabilizationWindowMs).toBe(300_000);
    expect(p.params.behavior.scaleUp.panicPolicy?.panicModeHoldMs).toBe(120_000);
  });

  it("reports schema errors with their path", () => {
    const p = parsePolicy(DEFAULT_POLICY.replace("maxReplicas: 12", "maxReplicas: 0"));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.errors.join("\n")).toMatch(/maxReplicas/);
    expect(parsePolicy("kind: [").ok).toBe(false);
  });

  it("parses CSV traces in seconds or ISO time, sorted and rebased", () => {
    const a = parseTraceCsv("t,demand\n30,5\n0,1\n15,3\n");
    expect(a).toEqual({
      points: [
        { t: 0, demand: 1 },
        { t: 15_000, demand: 3 },
        { t: 30_000, demand: 5 },
      ],
      errors: [],
    });
    const b = parseTraceCsv("timestamp,rps\n2026-01-01T00:00:10Z,2\n2026-01-01T00:00:00Z,4\n");
    expect(b.points).toEqual([
      { t: 0, demand: 4 },
      { t: 10_000, demand: 2 },
    ]);
    expect(parseTraceCsv("a,b\n1,2").errors[0]).toMatch(/header/);
    expect(parseTraceCsv("t,demand\n0,1\nx,-2\n5,3").errors).toEqual([
      "line 3: expected a time and a non-negative number",
    ]);
  });

  it("replays a spike: scales up into panic, serves the peak, then scales down slowly", () => {
    const p = parsePolicy(DEFAULT_POLICY);
    if (!p.ok) throw new Error("invalid");
    const { samples, summary } = runReplay(p.params, builtInTrace(DEFAULT_TRACE), {
      capacityPerReplica: 10,
      readyDelaySec: 60,
      metricKind: "external",
    });
    expect(summary.peakReplicas).toBe(9); // ⌈90 / 10⌉
    expect(summary.panicMinutes).toBeGreaterThan(0);
    const atPeakEnd = samples.find((s) => s.t >= 25 * 60_000);
    expect(atPeakEnd?.desired).toBe(9);
    // Scale-down is rate limited (1 replica or 50% per minute) after a 5-minute window.
    const justAfter = samples.find((s) => s.t >= 26 * 60_000);
    expect(justAfter?.desired).toBe(9);
    expect(samples[samples.length - 1]?.desired).toBe(2);
  });
});

describe("panic periods", () => {
  it("merges consecutive panic samples into one shaded range", () => {
    const s = (t: number, mode: string) => ({ t, mode });
    expect(
      panicRanges([
        s(0, "Stable"),
        s(5_000, "Panic"),
        s(10_000, "Panic"),
        s(15_000, "Stable"),
        s(30_000, "Panic"),
      ]),
    ).toEqual([
      { x1: 5_000, x2: 10_000 },
      { x1: 30_000, x2: 30_000 },
    ]);
  });
});
