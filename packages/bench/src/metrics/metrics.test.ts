import { describe, expect, it } from "vitest";
import { computeMetrics, percentile, summarize } from "./metrics.ts";
import type { RequestRecord } from "./metrics.ts";

describe("percentiles (numpy.percentile, linear interpolation)", () => {
  it("matches hand-computed values", () => {
    const v = [1, 2, 3, 4];
    // index = q/100 × (n − 1): p50 → 1.5 → 2.5; p90 → 2.7 → 3.7; p99 → 2.97 → 3.97.
    expect(percentile(v, 50)).toBeCloseTo(2.5, 12);
    expect(percentile(v, 90)).toBeCloseTo(3.7, 12);
    expect(percentile(v, 99)).toBeCloseTo(3.97, 12);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
    const s = summarize([4, 1, 3, 2]);
    expect([s.count, s.mean, s.p50]).toEqual([4, 2.5, 2.5]);
    expect(s.p90).toBeCloseTo(3.7, 12);
    expect(s.p99).toBeCloseTo(3.97, 12);
  });
});

function rec(p: Partial<RequestRecord>): RequestRecord {
  return {
    index: 0,
    group: 0,
    replica: 0,
    start: 0,
    firstToken: 0,
    end: 0,
    promptTokens: 100,
    cachedTokens: 0,
    outputTokens: 1,
    itl: [],
    ok: true,
    ...p,
  };
}

describe("run metrics (vLLM / SGLang bench definitions)", () => {
  // Request A: sent 0, first token 0.5, done 2.3, 10 output tokens, ITL 9 gaps of 0.2.
  // Request B: sent 1, first token 1.2, done 1.2, 1 output token (no TPOT, no ITL).
  // Request C: sent 2, first token 3, done 4, 5 tokens, gaps 0.1 0.2 0.3 0.4; served by replica 1.
  // Request D: failed.
  const records = [
    rec({
      start: 0,
      firstToken: 0.5,
      end: 2.3,
      outputTokens: 10,
      itl: Array(9).fill(0.2),
      promptTokens: 100,
      cachedTokens: 50,
    }),
    rec({
      start: 1,
      firstToken: 1.2,
      end: 1.2,
      outputTokens: 1,
      promptTokens: 100,
      cachedTokens: 0,
    }),
    rec({
      start: 2,
      firstToken: 3,
      end: 4,
      outputTokens: 5,
      itl: [0.1, 0.2, 0.3, 0.4],
      replica: 1,
      promptTokens: 200,
      cachedTokens: 150,
    }),
    rec({ start: 0.5, end: 9, ok: false }),
  ];
  const m = computeMetrics(records, 2);

  it("counts throughput over first send to last completion", () => {
    expect(m.completed).toBe(3);
    expect(m.failed).toBe(1);
    expect(m.durationS).toBeCloseTo(4, 12);
    expect(m.requestThroughput).toBeCloseTo(0.75, 12);
    expect(m.outputThroughput).toBeCloseTo(16 / 4, 12);
    expect(m.totalTokenThroughput).toBeCloseTo((16 + 400) / 4, 12);
  });

  it("computes TTFT, E2E per request and TPOT only for requests with more than one token", () => {
    expect(m.ttft.mean).toBeCloseTo((0.5 + 0.2 + 1) / 3, 12);
    expect(m.e2e.mean).toBeCloseTo((2.3 + 0.2 + 2) / 3, 12);
    // TPOT A = (2.3 − 0.5) / 9 = 0.2; C = (2 − 1) / 4 = 0.25.
    expect(m.tpot.count).toBe(2);
    expect(m.tpot.mean).toBeCloseTo(0.225, 12);
  });

  it("pools ITL gaps over all requests (so p99 ITL is not p99 TPOT)", () => {
    expect(m.itl.count).toBe(13);
    expect(m.itl.mean).toBeCloseTo((9 * 0.2 + 1.0) / 13, 12);
    // Sorted: 0.1, ten × 0.2, 0.3, 0.4; index 0.99 × 12 = 11.88 → 0.3 + 0.88 × 0.1.
    expect(m.itl.p99).toBeCloseTo(0.388, 12);
  });

  it("reports token-weighted prefix hit rate, concurrency and per-replica load", () => {
    expect(m.prefixHitRate).toBeCloseTo(200 / 400, 12);
    expect(m.concurrency).toBeCloseTo(4.5 / 4, 12);
    expect(m.perReplica).toEqual([2, 1]);
    expect(m.loadImbalance).toBeCloseTo(2 / 1.5, 12);
  });
});
