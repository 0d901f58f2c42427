import { describe, expect, it } from "vitest";
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import { VirtualClock } from "../clock/virtual.ts";
import { Engine } from "./engine.ts";
import type { RequestResult } from "./engine.ts";

// Randomised workloads under memory pressure, with aborts, chunking, LoRA and P/D-style remote
// prefixes; the invariants below must hold for every seed.
describe("engine invariants under random workloads", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}`, () => {
      const rnd = mulberry32(seed);
      const clock = new VirtualClock();
      const numBlocks = 40 + Math.floor(rnd() * 200);
      const engine = new Engine({
        clock,
        preset: "tiny",
        params: {
          numBlocks,
          maxNumSeqs: 1 + Math.floor(rnd() * 12),
          maxNumBatchedTokens: 64 + Math.floor(rnd() * 600),
          jitter: 0.1,
          requestOverheadMs: rnd() < 0.5 ? 0 : 2,
        },
        seed,
        kvEvents: true,
      });
      const tracked = new Set<string>();
      engine.onKvEvents((b) => {
        for (const e of b.events) {
          if (e.type === "BlockStored") for (const h of e.block_hashes) tracked.add(h);
          else if (e.type === "BlockRemoved") for (const h of e.block_hashes) tracked.delete(h);
          else tracked.clear();
        }
      });
      let maxRunning = 0;
      engine.onStep((p) => {
        maxRunning = Math.max(maxRunning, engine.snapshot().running);
        expect(p.prefillTokens + p.decodeSeqs).toBeLessThanOrEqual(
          engine.params.maxNumBatchedTokens,
        );
        expect(p.duration).toBeGreaterThan(0);
      });
      const prefixes = Array.from({ length: 4 }, () =>
        Array.from(
          { length: 16 * (1 + Math.floor(rnd() * 6)) },
          () => 16 + Math.floor(rnd() * 1000),
        ),
      );
      const results: RequestResult[] = [];
      const expected = new Map<string, number>();
      const aborted = new Set<string>();
      const n = 60;
      for (let i = 0; i < n; i++) {
        const at = rnd() * 2;
        const prefix = prefixes[Math.floor(rnd() * prefixes.length)] ?? [];
        const prompt = [
          ...prefix,
          ...Array.from(
            { length: 1 + Math.floor(rnd() * 60) },
            () => 16 + Math.floor(rnd() * 1000),
          ),
        ];
        const maxTokens = 1 + Math.floor(rnd() * 80);
        const lora = rnd() < 0.2 ? "adapter" : undefined;
        const remote = rnd() < 0.15 ? prompt.length : 0;
        const id = `r${i}`;
        expected.set(id, maxTokens);
        clock.setTimer(at, () =>
          engine.submit({
            id,
            promptTokens: prompt,
            maxTokens,
            lora,
            remoteTokens: remote,
            onFinish: (r) => results.push(r),
          }),
        );
        if (rnd() < 0.15)
          clock.setTimer(at + rnd() * 0.5, () => engine.abort(id) && aborted.add(id));
      }
      clock.run();

      expect(results).toHaveLength(n);
      const snap = engine.snapshot();
      expect(snap).toMatchObject({ running: 0, waiting: 0, freeBlocks: numBlocks });
      expect(maxRunning).toBeLessThanOrEqual(engine.params.maxNumSeqs);
      for (const r of results) {
        if (aborted.has(r.id)) {
          expect(r.finishReason).toBe("abort");
          continue;
        }
        expect(r.finishReason).toBe("length");
        expect(r.outputTokens).toHaveLength(expected.get(r.id) ?? -1);
        expect(r.cachedTokens % 16).toBe(0);
        expect(r.cachedTokens).toBeLessThan(r.promptTokens);
        expect(r.ttft ?? -1).toBeGreaterThan(0);
        expect(r.ttft ?? Infinity).toBeLessThanOrEqual(r.e2e);
        expect(r.tokenTimes).toEqual([...r.tokenTimes].sort((a, b) => a - b));
      }
      expect(snap.generationTokens).toBe(results.reduce((a, r) => a + r.outputTokens.length, 0));
      expect([...tracked].sort()).toEqual(engine.cachedBlockHashes().sort());
    });
  }
});
