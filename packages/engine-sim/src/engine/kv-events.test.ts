import { describe, expect, it } from "vitest";
import { blockHashes } from "@tessera/shared/tokens/block-hash";
import { syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import { VirtualClock } from "../clock/virtual.ts";
import { Engine } from "./engine.ts";
import type { KvEventBatch } from "./engine.ts";

describe("KV events (in-process subscription)", () => {
  it("let a subscriber track exactly which blocks the engine holds, through evictions", () => {
    const clock = new VirtualClock();
    const engine = new Engine({
      clock,
      preset: "tiny",
      params: { numBlocks: 64, watermark: 0 },
      seed: 1,
      kvEvents: true,
    });
    const tracked = new Set<string>();
    let stored = 0;
    let removed = 0;
    engine.onKvEvents((b: KvEventBatch) => {
      for (const e of b.events) {
        if (e.type === "BlockStored") {
          stored += e.block_hashes.length;
          expect(e.token_ids).toHaveLength(e.block_hashes.length * e.block_size);
          // The hashes are the shared chained hashes of the tokens carried, continuing from the parent.
          expect(blockHashes(e.token_ids, e.block_size, e.parent_block_hash ?? undefined)).toEqual(
            e.block_hashes,
          );
          for (const h of e.block_hashes) tracked.add(h);
        } else if (e.type === "BlockRemoved") {
          removed += e.block_hashes.length;
          for (const h of e.block_hashes) tracked.delete(h);
        } else tracked.clear();
      }
    });
    for (let i = 0; i < 30; i++)
      clock.setTimer(i * 0.003, () =>
        engine.submit({
          promptTokens: tokenize(syntheticText(16 * 5 + (i % 7), i % 9)),
          maxTokens: 20,
        }),
      );
    clock.run();
    expect(stored).toBeGreaterThan(64); // more blocks were cached than fit: evictions happened
    expect(removed).toBeGreaterThan(0);
    expect([...tracked].sort()).toEqual(engine.cachedBlockHashes().sort());
    expect(engine.resetPrefixCache()).toBe(true);
    expect(tracked.size).toBe(0);
  });

  it("router-side hashes of a prompt match the engine's stored blocks", () => {
    const clock = new VirtualClock();
    const engine = new Engine({ clock, preset: "tiny", seed: 1, kvEvents: true });
    const hashes: string[] = [];
    engine.onKvEvents((b) => {
      for (const e of b.events) if (e.type === "BlockStored") hashes.push(...e.block_hashes);
    });
    const prompt = tokenize(syntheticText(100, 5));
    engine.submit({ promptTokens: prompt, maxTokens: 1 });
    clock.run();
    expect(hashes).toEqual(blockHashes(prompt, 16));
  });
});

describe("metrics for a virtual-time engine", () => {
  it("render the same exposition text as the HTTP server, from the engine snapshot", async () => {
    const { createEngineMetrics } = await import("../server/metrics/index.ts");
    const clock = new VirtualClock();
    const engine = new Engine({ clock, preset: "tiny", seed: 1 });
    const m = createEngineMetrics("vllm", engine, { modelName: "virt" });
    for (let i = 0; i < 3; i++)
      engine.submit({ promptTokens: tokenize(syntheticText(40, 1)), maxTokens: 5 });
    clock.run(0.006); // one step: all three admitted, none finished
    const mid = await m.registry.metrics();
    expect(mid).toContain('vllm:num_requests_running{model_name="virt",engine="0"} 3');
    clock.run();
    const end = await m.registry.metrics();
    expect(end).toContain('vllm:num_requests_running{model_name="virt",engine="0"} 0');
    expect(end).toContain('vllm:generation_tokens_total{model_name="virt",engine="0"} 15');
    expect(end).toContain('vllm:e2e_request_latency_seconds_count{model_name="virt",engine="0"} 3');
    m.close();
  });
});
