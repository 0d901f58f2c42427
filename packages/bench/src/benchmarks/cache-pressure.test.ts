import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../metrics/metrics.ts";
import { stageResults } from "./cache-pressure.ts";

const rec = (index: number, start: number, first: number, tokenTimes: number[]): RequestRecord => ({
  index,
  group: 0,
  replica: 0,
  start,
  firstToken: first,
  end: tokenTimes[tokenTimes.length - 1] ?? first,
  promptTokens: 10,
  cachedTokens: 0,
  outputTokens: tokenTimes.length,
  itl: [],
  tokenTimes,
  ok: true,
});

describe("ladder stage results", () => {
  it("attributes TTFT to the arrival stage and output tokens to the window they were generated in", () => {
    const stages = [
      { rate: 1, durationS: 10 },
      { rate: 2, durationS: 10 },
    ];
    // Request 0 arrives in stage 0 but streams across both windows; request 1 arrives in stage 1.
    const records = [rec(0, 1, 3, [3, 9, 11, 12]), rec(1, 15, 16, [16, 17, 25])];
    const r = stageResults(records, [0, 1], stages, [0, 10]);
    expect(r.map((s) => s.requests)).toEqual([1, 1]);
    expect(r[0]?.ttftMean).toBeCloseTo(2, 12);
    expect(r[1]?.ttftMean).toBeCloseTo(1, 12);
    // Window [0,10): tokens at 3, 9; window [10,20): 11, 12, 16, 17 (25 is after the ladder).
    expect(r.map((s) => s.outputTokPerS)).toEqual([0.2, 0.4]);
  });
});
