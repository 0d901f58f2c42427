import { describe, expect, it } from "vitest";
import { blockHash, blockHashes, blockHashesInRange, ROOT_BLOCK_HASH } from "./block-hash.ts";
import { fnv64Byte, fnv64Hex, fnv64Init, fnv64String, fnv32 } from "./fnv.ts";
import {
  applyChatTemplate,
  countTokens,
  SPECIAL_TOKENS,
  syntheticText,
  tokenize,
  VOCAB_SIZE,
} from "./tokenizer.ts";

describe("FNV-1a", () => {
  it("matches the published 64-bit test vectors", () => {
    expect(fnv64Hex(fnv64Init())).toBe("cbf29ce484222325");
    const a = fnv64Init();
    fnv64Byte(a, 0x61); // "a"
    expect(fnv64Hex(a)).toBe("af63dc4c8601ec8c");
    const foobar = fnv64Init();
    for (const c of "foobar") fnv64Byte(foobar, c.charCodeAt(0));
    expect(fnv64Hex(foobar)).toBe("85944171f73967e8");
    expect(fnv32("")).toBe(0x811c9dc5);
  });

  it("64-bit multiply is exact (compared with BigInt)", () => {
    const P = 0x100000001b3n;
    const M = (1n << 64n) - 1n;
    let ref = 0xcbf29ce484222325n;
    const h = fnv64Init();
    const s = "Tessera ☃ prefix";
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      for (const byte of [c & 0xff, c >>> 8]) ref = ((ref ^ BigInt(byte)) * P) & M;
    }
    fnv64String(h, s);
    expect(fnv64Hex(h)).toBe(ref.toString(16).padStart(16, "0"));
  });
});

describe("tokenizer", () => {
  it("is deterministic, about 4 characters per token, ids inside the vocabulary", () => {
    const text = "The quick brown fox jumps over the lazy dog, 12345 times!";
    const a = tokenize(text);
    expect(tokenize(text)).toEqual(a);
    expect(a.length).toBe(countTokens(text));
    expect(a.length).toBeGreaterThan(text.length / 5);
    expect(a.length).toBeLessThan(text.length / 2);
    for (const t of a) expect(t >= 16 && t < VOCAB_SIZE).toBe(true);
    expect(tokenize(" abc")).toHaveLength(1);
    expect(tokenize(" abcdefgh")).toHaveLength(3); // " abc" "defg" "h"
  });

  it("maps special tokens to their fixed ids and applies the ChatML template", () => {
    const prompt = applyChatTemplate([
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ]);
    expect(prompt).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    );
    const ids = tokenize(prompt);
    expect(ids[0]).toBe(SPECIAL_TOKENS["<|im_start|>"]);
    expect(ids.filter((t) => t === SPECIAL_TOKENS["<|im_end|>"])).toHaveLength(2);
  });

  it("syntheticText has exactly the requested number of tokens and depends on the seed", () => {
    for (const n of [0, 1, 17, 4096]) expect(tokenize(syntheticText(n, 3))).toHaveLength(n);
    expect(syntheticText(50, 1)).not.toBe(syntheticText(50, 2));
  });
});

describe("block hashes", () => {
  const toks = tokenize(syntheticText(100, 1));

  it("hash only full blocks, chained so equal hashes mean equal prefixes", () => {
    const h = blockHashes(toks, 16);
    expect(h).toHaveLength(6);
    for (const x of h) expect(x).toMatch(/^[0-9a-f]{16}$/);
    const other = [...toks];
    other[40] = (other[40] ?? 0) + 1; // block 2 differs, and therefore every later block
    const g = blockHashes(other, 16);
    expect(g.slice(0, 2)).toEqual(h.slice(0, 2));
    for (let i = 2; i < 6; i++) expect(g[i]).not.toBe(h[i]);
  });

  it("are FNV-1a 64 over 32-bit words: parent (hi, lo), extra key, 0xffffffff, then the token ids", () => {
    const P = 0x100000001b3n;
    const M = (1n << 64n) - 1n;
    let ref = 0xcbf29ce484222325n;
    const fold = (w: number) => (ref = ((ref ^ BigInt(w >>> 0)) * P) & M);
    fold(0xcbf29ce4);
    fold(0x84222325);
    for (const c of "lora-x") fold(c.charCodeAt(0));
    fold(0xffffffff);
    for (const t of toks.slice(0, 16)) fold(t);
    expect(blockHashes(toks, 16, undefined, "lora-x")[0]).toBe(ref.toString(16).padStart(16, "0"));
  });

  it("continue a chain from a parent hash, and separate LoRA adapters by extra key", () => {
    const h = blockHashes(toks, 16);
    expect(blockHashes(toks.slice(32), 16, h[1])).toEqual(h.slice(2));
    expect(blockHashesInRange(toks, 32, 100, 16, h[1])).toEqual(h.slice(2));
    expect(blockHash(ROOT_BLOCK_HASH, toks, 0, 16)).toBe(h[0]);
    expect(blockHashes(toks, 16, undefined, "adapter-a")[0]).not.toBe(h[0]);
  });
});
