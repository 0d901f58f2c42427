import { blockHashes } from "@tessera/shared/tokens/block-hash";
import { applyChatTemplate, syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import { afterEach, describe, expect, it } from "vitest";
import { ep, handle, req, scores } from "../../testing.ts";
import { KvBlockIndex, kvCacheAwareFactory, localTokens, requestBlockHashes } from "./index.ts";
import type { KvCacheAwareScorer } from "./index.ts";

describe("requestBlockHashes", () => {
  it("equals the engines' chained block hashes (shared tokenizer + block-hash)", () => {
    const toks = tokenize(
      applyChatTemplate([
        { role: "user", content: "the quick brown fox jumps over the lazy dog ".repeat(8) },
      ]),
    );
    expect(requestBlockHashes(toks, 16, 128)).toEqual(blockHashes(toks, 16));
    expect(requestBlockHashes(toks, 16, 2)).toEqual(blockHashes(toks, 16).slice(0, 2));
    expect(requestBlockHashes(toks, 16, 128, "lora-a")).toEqual(
      blockHashes(toks, 16, undefined, "lora-a"),
    );
  });
});

describe("kv-cache-aware scorer", () => {
  const scorers: KvCacheAwareScorer[] = [];
  afterEach(() => scorers.splice(0).forEach((s) => s.close()));
  const make = () => {
    const s = kvCacheAwareFactory("kv", { blockSize: 4 }, handle()) as KvCacheAwareScorer;
    scorers.push(s);
    return s;
  };
  const prompt = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
  const hashes = blockHashes(tokenize(prompt), 4);
  const a = ep({ id: "a" });
  const b = ep({ id: "b" });

  const cases = [
    { name: "engine holds every block", stored: { a: hashes }, want: [1, 0] },
    {
      name: "engine holds the first half",
      stored: { a: hashes.slice(0, Math.floor(hashes.length / 2)), b: hashes.slice(0, 1) },
      want: [
        Math.round((Math.floor(hashes.length / 2) / hashes.length) * 1e4) / 1e4,
        Math.round((1 / hashes.length) * 1e4) / 1e4,
      ],
    },
    {
      name: "a later block without its prefix does not count",
      stored: { a: hashes.slice(1) },
      want: [0, 0],
    },
    { name: "nothing stored", stored: {}, want: [0, 0] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = make();
      for (const [id, hs] of Object.entries(c.stored))
        s.index.apply(id, [{ type: "BlockStored", block_hashes: hs }]);
      expect(await scores(s, req({ prompt }), [a, b])).toEqual(c.want);
    });
  }

  it("applies BlockRemoved and AllBlocksCleared", () => {
    const idx = new KvBlockIndex();
    idx.apply("a", [
      { type: "BlockStored", block_hashes: ["h1", "h2", "h3"] },
      { type: "BlockRemoved", block_hashes: ["h2"] },
    ]);
    expect(idx.matched("a", ["h1", "h2", "h3"])).toBe(1);
    idx.apply("a", [{ type: "AllBlocksCleared" }]);
    expect(idx.matched("a", ["h1"])).toBe(0);
    expect(idx.size).toBe(0);
  });

  it("tokenises only the blocks it can use and keeps exact hash parity (truncated path)", async () => {
    const s = kvCacheAwareFactory(
      "kv",
      { blockSize: 16, maxBlocks: 4 },
      handle(),
    ) as KvCacheAwareScorer;
    scorers.push(s);
    const long = syntheticText(5000, 11);
    const full = tokenize(long);
    const some = localTokens(req({ prompt: long }), 64);
    expect(some.length).toBeLessThan(full.length / 2);
    expect(some).toEqual(full.slice(0, some.length));
    // The engine's first 4 blocks stored on `a`, one more on `b` than it needs: a scores 1.
    const engine = blockHashes(full, 16);
    s.applyEvents("a", [{ type: "BlockStored", block_hashes: engine.slice(0, 4) }]);
    s.applyEvents("b", [{ type: "BlockStored", block_hashes: engine.slice(0, 2) }]);
    expect(await scores(s, req({ prompt: long }), [a, b])).toEqual([1, 0.5]);
    // Chat requests go through the engines' chat template first.
    const messages = [{ role: "user", content: long }];
    const chat = tokenize(applyChatTemplate(messages));
    const r = req({ body: { messages } });
    expect(localTokens(r, 64)).toEqual(chat.slice(0, localTokens(r, 64).length));
  });
});
