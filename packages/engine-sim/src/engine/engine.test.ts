import { describe, expect, it } from "vitest";
import { syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import { blockHashes } from "@tessera/shared/tokens/block-hash";
import { VirtualClock } from "../clock/virtual.ts";
import { Engine } from "./engine.ts";
import type { RequestResult } from "./engine.ts";
import type { EngineParams } from "./presets.ts";
import type { StepPlan } from "./scheduler.ts";

function engineWith(preset: string, params: Partial<EngineParams> = {}, seed = 1) {
  const clock = new VirtualClock();
  const engine = new Engine({ clock, preset, params, seed, kvEvents: true });
  return { clock, engine };
}

function run(
  engine: Engine,
  clock: VirtualClock,
  prompt: number[],
  maxTokens: number,
): RequestResult {
  let out: RequestResult | undefined;
  engine.submit({ promptTokens: prompt, maxTokens, onFinish: (r) => (out = r) });
  clock.run();
  if (!out) throw new Error("request did not finish");
  return out;
}

describe("prefix caching", () => {
  for (const preset of ["8B-H100", "7B-A100", "kthena-7B"]) {
    it(`${preset}: a 4,096-token shared prefix makes TTFT at least 5x shorter`, () => {
      const { clock, engine } = engineWith(preset, { jitter: 0 });
      const shared = tokenize(syntheticText(4096, 7));
      const a = run(engine, clock, [...shared, ...tokenize(syntheticText(32, 8))], 4);
      const b = run(engine, clock, [...shared, ...tokenize(syntheticText(32, 9))], 4);
      expect(a.cachedTokens).toBe(0);
      const bs = engine.params.blockSize;
      expect(b.cachedTokens).toBe(Math.floor(4096 / bs) * bs);
      expect(a.ttft ?? 0).toBeGreaterThan(5 * (b.ttft ?? Infinity));
      const s = engine.snapshot();
      expect(s.prefixQueries).toBe(2 * (4096 + 32));
      expect(s.prefixHits).toBe(b.cachedTokens);
    });
  }

  it("caches only full blocks and always recomputes the last prompt token", () => {
    const { clock, engine } = engineWith("tiny");
    const p = tokenize(syntheticText(40, 1)); // 2 full blocks of 16 + 8
    run(engine, clock, p, 2);
    expect(run(engine, clock, p, 2).cachedTokens).toBe(32);
    const exact = tokenize(syntheticText(32, 2)); // exactly 2 blocks: the last token is recomputed
    run(engine, clock, exact, 1);
    expect(run(engine, clock, exact, 1).cachedTokens).toBe(16);
    // Resident hashes are exactly the router-side chained hashes of the full blocks (prompt + output).
    for (const h of blockHashes(p, 16)) expect(engine.hasBlock(h)).toBe(true);
  });

  it("evicts least recently freed blocks first, a request's last block before its first", () => {
    // 20 blocks, no watermark. A (4 blocks) then B (4 blocks) finish; C needs 16 fresh blocks:
    // 12 never-used blocks come first, then A's blocks tail-first... so A's prefix loses its last blocks.
    const { clock, engine } = engineWith("tiny", { numBlocks: 20, watermark: 0 });
    const A = tokenize(syntheticText(64, 11));
    const B = tokenize(syntheticText(64, 12));
    run(engine, clock, A.slice(0, 63), 1); // 63 tokens + 1 output = 4 blocks, 3 full before the output
    run(engine, clock, B.slice(0, 63), 1);
    const hashesA = blockHashes(A.slice(0, 48), 16);
    const hashesB = blockHashes(B.slice(0, 48), 16);
    expect(hashesA.every((h) => engine.hasBlock(h))).toBe(true);
    // C takes 14 blocks: 12 untouched ones, then A's two most-recently-cached (its 4th, then 3rd) blocks.
    run(engine, clock, tokenize(syntheticText(14 * 16 - 1, 13)), 1);
    expect(engine.hasBlock(hashesA[0] ?? "")).toBe(true);
    expect(engine.hasBlock(hashesA[1] ?? "")).toBe(true);
    expect(engine.hasBlock(hashesA[2] ?? "")).toBe(false);
    expect(hashesB.every((h) => engine.hasBlock(h))).toBe(true);
  });
});

describe("batching", () => {
  function throughput(concurrency: number, maxNumSeqs: number) {
    const { clock, engine } = engineWith("tiny", { maxNumSeqs, numBlocks: 4096, jitter: 0 });
    let maxRunning = 0;
    let sawWaiting = false;
    engine.onStep((p: StepPlan) => {
      maxRunning = Math.max(maxRunning, p.items.length);
      if (engine.snapshot().waiting > 0) sawWaiting = true;
    });
    const results: RequestResult[] = [];
    let submitted = 0;
    const total = 64;
    const submit = () => {
      const i = submitted++;
      engine.submit({
        promptTokens: tokenize(syntheticText(64, 100 + i)),
        maxTokens: 64,
        onFinish: (r) => {
          results.push(r);
          if (submitted < total) submit();
        },
      });
    };
    for (let i = 0; i < concurrency; i++) submit();
    const end = clock.run();
    const tokens = results.reduce((a, r) => a + r.outputTokens.length, 0);
    return { tps: tokens / end, maxRunning, sawWaiting, done: results.length };
  }

  it("throughput grows with concurrency up to max_num_seqs, then saturates", () => {
    const c2 = throughput(2, 8);
    const c8 = throughput(8, 8);
    const c32 = throughput(32, 8);
    expect(c8.done).toBe(64);
    expect(c32.done).toBe(64);
    expect(c8.tps).toBeGreaterThan(2.5 * c2.tps);
    expect(c32.tps).toBeLessThan(1.05 * c8.tps);
    expect(c32.tps).toBeGreaterThan(0.95 * c8.tps);
    expect(c32.maxRunning).toBe(8);
    expect(c32.sawWaiting).toBe(true);
  });

  it("chunks long prefills by max_num_batched_tokens and decodes first", () => {
    const { clock, engine } = engineWith("tiny", {
      maxNumBatchedTokens: 512,
      numBlocks: 4096,
      maxModelLen: 8192,
    });
    const steps: StepPlan[] = [];
    engine.onStep((p) => steps.push(p));
    engine.submit({ promptTokens: tokenize(syntheticText(100, 1)), maxTokens: 20 });
    clock.run(0.02); // the short request is decoding now
    engine.submit({ promptTokens: tokenize(syntheticText(1500, 2)), maxTokens: 2 });
    clock.run();
    const mixed = steps.filter((s) => s.decodeSeqs === 1 && s.prefillTokens > 0);
    expect(mixed.length).toBeGreaterThanOrEqual(2);
    for (const s of steps) expect(s.prefillTokens + s.decodeSeqs).toBeLessThanOrEqual(512);
    expect(mixed[0]?.prefillTokens).toBe(511); // decode token first, the rest of the budget to the prefill
  });
});

describe("preemption", () => {
  function load(numBlocks: number) {
    const { clock, engine } = engineWith("tiny", { numBlocks, watermark: 0.01, maxNumSeqs: 16 });
    const results: RequestResult[] = [];
    for (let i = 0; i < 8; i++)
      engine.submit({
        promptTokens: tokenize(syntheticText(64, 200 + i)),
        maxTokens: 200,
        onFinish: (r) => results.push(r),
      });
    clock.run();
    return { results, snap: engine.snapshot() };
  }

  it("preempts by recompute when KV blocks run out, and every request still completes", () => {
    const short = load(64); // 8 × (264 tokens / 16) = 136 blocks needed at the end
    expect(short.snap.preemptions).toBeGreaterThan(0);
    expect(short.results.some((r) => r.numPreemptions > 0)).toBe(true);
    expect(short.results).toHaveLength(8);
    for (const r of short.results) expect(r.outputTokens).toHaveLength(200);
    expect(short.snap.freeBlocks).toBe(64);
    const ample = load(1024);
    expect(ample.snap.preemptions).toBe(0);
  });
});

describe("determinism", () => {
  it("same seed, same steps and results; a different seed changes the jitter", () => {
    const go = (seed: number) => {
      const { clock, engine } = engineWith("8B-H100", {}, seed);
      const durations: number[] = [];
      engine.onStep((p) => durations.push(p.duration));
      const res: RequestResult[] = [];
      for (let i = 0; i < 20; i++)
        clock.setTimer(i * 0.01, () =>
          engine.submit({
            promptTokens: tokenize(syntheticText(300, i % 3)),
            onFinish: (r) => res.push(r),
          }),
        );
      clock.run();
      return { durations, res: res.map((r) => [r.id, r.ttft, r.e2e, r.outputTokens.join(",")]) };
    };
    expect(go(5)).toEqual(go(5));
    expect(go(5).durations).not.toEqual(go(6).durations);
  });

  it("aborting frees the request's blocks immediately", () => {
    const { clock, engine } = engineWith("tiny");
    const r = engine.submit({ promptTokens: tokenize(syntheticText(100, 3)), maxTokens: 500 });
    clock.run(0.05);
    expect(engine.snapshot().freeBlocks).toBeLessThan(512);
    engine.abort(r.id);
    expect(engine.snapshot()).toMatchObject({ freeBlocks: 512, running: 0, waiting: 0 });
    clock.run();
  });
});
