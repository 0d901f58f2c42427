import { describe, expect, it } from "vitest";
import { computeMetrics } from "../metrics/metrics.ts";
import { generatedSharedPrefix } from "../workload/workload.ts";
import { runDes } from "./driver.ts";

// Two `tiny` engines (512 × 16-token blocks = 8,192 KV tokens each, 16 sequences, no jitter).
// 8 groups × 6 prompts with 960-token system prompts: 7,680 prefix tokens, more than one replica can
// keep next to its running requests, but half of it fits each replica when groups are partitioned.
function workload(seed = 5) {
  return generatedSharedPrefix({
    groups: 8,
    promptsPerGroup: 6,
    systemPromptLen: 960,
    questionLen: 32,
    outputLen: 8,
    seed,
  });
}

function run(
  scheduler: unknown,
  opts: { seed?: number; scrape?: number; inFlight?: boolean } = {},
) {
  return runDes({
    engines: { replicas: 2, preset: "tiny" },
    router: {
      scheduler,
      scrapeIntervalS: opts.scrape ?? 0.05,
      kvEventDelayS: 0.001,
      inFlightAccounting: opts.inFlight ?? true,
      seed: opts.seed ?? 1,
    },
    requests: workload(),
    maxConcurrency: 8,
    seed: opts.seed ?? 1,
  });
}

const RANDOM = { plugins: [{ type: "random" }] };
const KV_AWARE = {
  plugins: [{ type: "kv-cache-aware", parameters: { blockSize: 16 } }, { type: "least-request" }],
};

describe("discrete-event driver with the router's scheduling plugins", () => {
  it("serves every request and leaves the in-flight counters balanced", async () => {
    const r = await run(KV_AWARE);
    expect(r.records).toHaveLength(48);
    expect(r.records.every((x) => x.ok && x.outputTokens === 8)).toBe(true);
    expect(r.inFlightAfter).toEqual([0, 0]);
    expect(r.decisions).toBe(48);
    expect(r.scrapes).toBeGreaterThan(1);
  });

  it("KV-aware routing beats random on a shared-prefix workload", async () => {
    const random = computeMetrics((await run(RANDOM)).records, 2);
    const aware = computeMetrics((await run(KV_AWARE)).records, 2);
    // Each group's prefix is computed about once per replica it lands on: affinity keeps it on one.
    expect(aware.prefixHitRate).toBeGreaterThan(random.prefixHitRate + 0.1);
    expect(aware.e2e.mean).toBeLessThan(random.e2e.mean);
    expect(aware.requestThroughput).toBeGreaterThan(random.requestThroughput);
  });

  it("is deterministic for a seed", async () => {
    const a = await run(KV_AWARE, { seed: 3 });
    const b = await run(KV_AWARE, { seed: 3 });
    const key = (x: typeof a) => x.records.map((r) => [r.index, r.replica, r.end]);
    expect(key(a)).toEqual(key(b));
  });

  it("feeds the router-local in-flight count to least-request between scrapes", async () => {
    // All 48 requests arrive at t = 0 and the first 8 are sent at once; the only scrape happens
    // inside that burst. Without in-flight accounting least-request sees the same stale metrics for
    // every decision and herds the rest of the burst onto one replica; with it the burst spreads.
    const split = async (inFlight: boolean) => {
      const r = await run({ plugins: [{ type: "least-request" }] }, { scrape: 1000, inFlight });
      const burst = r.records.filter((x) => x.start === 0);
      expect(burst).toHaveLength(8);
      const a = burst.filter((x) => x.replica === 0).length;
      return Math.abs(a - (8 - a));
    };
    const on = await split(true);
    const off = await split(false);
    expect(off).toBe(6);
    expect(on).toBeLessThan(off);
  });
});
