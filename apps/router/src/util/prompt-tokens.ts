// Prompt tokenisation for the hot path, exact and cached. The shared tokenizer's pre-tokens never
// cross a position `c` where text[c] is whitespace and text[c-1] is not (letter, digit and symbol runs
// stop at whitespace, a whitespace run cannot start before a non-space, special tokens hold no
// whitespace, and the regex has no lookbehind), so the text can be cut at such positions and the
// pieces tokenised independently: concat(tokenize(piece)) === tokenize(text). That gives two savings:
// - a prompt is cut into ~1 KB chunks and each chunk's ids are cached by its text, so prompts that
//   share a prefix (system prompts, chat history) tokenise only their new part; the tenancy token
//   count and the kv-cache-aware scorer of the same request share the work through the same cache;
// - a caller that needs only the first N tokens (block hashes stop at maxBlocks × blockSize) stops
//   after the chunk that reaches N.
import { tokenize } from "@tessera/shared/tokens/tokenizer";
import { keepStringPrototypeFast } from "./fast-string-prototype.ts";
import { Lru } from "./lru.ts";

// nextCut and the chunk slicing call string methods per character (see fast-string-prototype.ts).
keepStringPrototypeFast();

/** Characters per chunk before looking for the next cut. */
export const CHUNK_CHARS = 1024;

function isSpace(c: number): boolean {
  // The characters JavaScript's \s matches (the tokenizer's whitespace class).
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** The first safe cut at or after `from` (text[c] whitespace, text[c-1] not), or text.length. */
export function nextCut(text: string, from: number): number {
  for (let c = Math.max(1, from); c < text.length; c++) {
    if (isSpace(text.charCodeAt(c)) && !isSpace(text.charCodeAt(c - 1))) return c;
  }
  return text.length;
}

export class PromptTokenCache {
  readonly #chunks: Lru<string, Int32Array>;
  readonly #chunkChars: number;
  hits = 0;
  misses = 0;

  constructor(maxChunks = 8192, chunkChars = CHUNK_CHARS) {
    this.#chunks = new Lru(maxChunks);
    this.#chunkChars = chunkChars;
  }

  #chunk(piece: string): Int32Array {
    let ids = this.#chunks.get(piece);
    if (ids === undefined) {
      ids = Int32Array.from(tokenize(piece));
      // `slice` shares the whole prompt's storage; a cached key must not keep the prompt alive.
      this.#chunks.set(JSON.parse(JSON.stringify(piece)) as string, ids);
      this.misses++;
    } else {
      this.hits++;
    }
    return ids;
  }

  /**
   * Token ids of `text` exactly as the engines' tokenizer produces them; with `maxTokens`, at least
   * the first `maxTokens` ids (or all, when the text is shorter) and usually not many more.
   */
  tokens(text: string, maxTokens = Infinity): number[] {
    const out: number[] = [];
    let pos = 0;
    while (pos < text.length && out.length < maxTokens) {
      const cut = nextCut(text, pos + this.#chunkChars);
      const ids = this.#chunk(text.slice(pos, cut));
      for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
      pos = cut;
    }
    return out;
  }

  /** Number of tokens in `text` (the same chunks as `tokens`, so a later `tokens` call hits). */
  count(text: string): number {
    let n = 0;
    let pos = 0;
    while (pos < text.length) {
      const cut = nextCut(text, pos + this.#chunkChars);
      n += this.#chunk(text.slice(pos, cut)).length;
      pos = cut;
    }
    return n;
  }

  get size(): number {
    return this.#chunks.size;
  }
}

/**
 * The router process's cache (at most 8,192 chunks of ~1 KB text plus their ids, ≈ 20–40 MB), shared
 * by tenancy token counting and the kv-cache-aware scorer.
 */
export const promptTokenCache = new PromptTokenCache();
