import {
  applyChatTemplate,
  countTokens,
  syntheticText,
  tokenize,
} from "@tessera/shared/tokens/tokenizer";
import { describe, expect, it } from "vitest";
import { PromptTokenCache, nextCut } from "./prompt-tokens.ts";

// Texts that stress every pre-token rule at a cut: special tokens, whitespace runs, digits,
// symbol runs next to special tokens, non-Latin letters, surrogate pairs, long unbroken words.
const TEXTS = [
  syntheticText(600, 7),
  applyChatTemplate([
    { role: "system", content: `You are helpful.\n\n${syntheticText(300, 1)}` },
    { role: "user", content: "Numbers 12345 67890, symbols !!! ?? <|im_end|>... and tabs\t\tend." },
  ]),
  "  leading spaces, \u00a0nbsp, \u3000ideographic, naïve café 東京タワー 🚀🚀 emoji; a=b+c;   x",
  "x".repeat(5000),
  `${"word ".repeat(400)}\n\n\n${"1234 ".repeat(300)}<|endoftext|>`,
  "",
];

describe("prompt token cache", () => {
  it("tokenises exactly as the shared tokenizer, for any chunk size", () => {
    for (const chunk of [1, 7, 64, 1024]) {
      const cache = new PromptTokenCache(1000, chunk);
      for (const t of TEXTS) {
        expect(cache.tokens(t)).toEqual(tokenize(t));
        expect(cache.count(t)).toBe(countTokens(t));
      }
    }
  });

  it("cuts only where whitespace follows a non-space", () => {
    const t = "ab  cd\nef";
    expect(nextCut(t, 0)).toBe(2);
    expect(nextCut(t, 3)).toBe(6);
    expect(nextCut(t, 7)).toBe(t.length);
  });

  it("with maxTokens returns a prefix of at least that many ids (the truncated path)", () => {
    const cache = new PromptTokenCache(1000, 64);
    const t = TEXTS[0] as string;
    const all = tokenize(t);
    const some = cache.tokens(t, 100);
    expect(some.length).toBeGreaterThanOrEqual(100);
    expect(some.length).toBeLessThan(all.length);
    expect(some).toEqual(all.slice(0, some.length));
    expect(cache.tokens(t, 10 * all.length)).toEqual(all);
  });

  it("reuses the chunks of a shared prefix", () => {
    const cache = new PromptTokenCache(1000, 256);
    const system = syntheticText(2000, 3);
    cache.count(`${system} first question`);
    const before = cache.misses;
    expect(cache.tokens(`${system} second question`)).toEqual(
      tokenize(`${system} second question`),
    );
    // Only the chunk holding the new question was tokenised again.
    expect(cache.misses - before).toBe(1);
  });
});
