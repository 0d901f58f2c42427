// Tessera's deterministic stand-in tokenizer. It is not a real BPE: it only has to be stable, cheap and
// shared, so that the simulated engine and the router agree on token ids (and therefore block hashes).
//
// Rules (documented in docs/engine-sim.md):
//  1. Special tokens `<|name|>` are single tokens with small fixed ids (see SPECIAL_TOKENS).
//  2. Other text is split into pre-tokens: an optional space followed by letters, an optional space
//     followed by digits, an optional space followed by other symbols, or a run of whitespace.
//  3. Each pre-token is cut into pieces of at most 4 UTF-16 code units (≈ 4 characters per token, the
//     usual rule of thumb for English BPE vocabularies).
//  4. A piece's id is SPECIAL_COUNT + fnv32(piece) mod (VOCAB_SIZE − SPECIAL_COUNT).
// Isomorphic: no node:* imports.

import { fnv32 } from "./fnv.ts";

/** Vocabulary size (that of the Qwen2 family, the model in the Kthena benchmark). */
export const VOCAB_SIZE = 151_936;

export const SPECIAL_TOKENS: Readonly<Record<string, number>> = {
  "<|endoftext|>": 0,
  "<|im_start|>": 1,
  "<|im_end|>": 2,
};
const SPECIAL_COUNT = 16;
const MAX_PIECE = 4;
// A symbol run stops before a special token, so "end.<|im_end|>" keeps the special token whole.
const PRETOKEN = /<\|[a-z_]+\|>| ?\p{L}+| ?\p{N}+| ?(?:(?!<\|[a-z_]+\|>)[^\s\p{L}\p{N}])+|\s+/gu;

/** End-of-sequence token id. */
export const EOS_TOKEN_ID = 0;

function pieceId(piece: string): number {
  return SPECIAL_COUNT + (fnv32(piece) % (VOCAB_SIZE - SPECIAL_COUNT));
}

/** Turns text into token ids, deterministically. */
export function tokenize(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(PRETOKEN)) {
    const pre = m[0];
    const special = SPECIAL_TOKENS[pre];
    if (special !== undefined) {
      out.push(special);
      continue;
    }
    for (let i = 0; i < pre.length; i += MAX_PIECE) out.push(pieceId(pre.slice(i, i + MAX_PIECE)));
  }
  return out;
}

/** Number of tokens `text` has, without materialising the ids. */
export function countTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PRETOKEN)) {
    n += SPECIAL_TOKENS[m[0]] !== undefined ? 1 : Math.ceil(m[0].length / MAX_PIECE);
  }
  return n;
}

/** A chat message as the OpenAI API accepts it (text parts only are counted). */
export interface ChatMessage {
  role: string;
  content?: string | null | ReadonlyArray<{ type: string; text?: string }>;
  name?: string;
}

function contentText(content: ChatMessage["content"]): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : ""))
    .join("");
}

/**
 * The chat template every simulated engine applies (ChatML, as Qwen models use):
 * `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then `<|im_start|>assistant\n` when
 * `addGenerationPrompt` (the default). A router that wants exact block hashes for a chat request
 * tokenizes `applyChatTemplate(messages)`.
 */
export function applyChatTemplate(
  messages: readonly ChatMessage[],
  options: { addGenerationPrompt?: boolean } = {},
): string {
  let s = "";
  for (const m of messages) s += `<|im_start|>${m.role}\n${contentText(m.content)}<|im_end|>\n`;
  if (options.addGenerationPrompt ?? true) s += "<|im_start|>assistant\n";
  return s;
}

/** Small seeded PRNG (mulberry32) so synthetic text is reproducible everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/**
 * Random text of exactly `nTokens` tokens under this tokenizer: words of a space and three letters,
 * each one token. Same seed, same text. Useful for shared-prefix workloads.
 */
export function syntheticText(nTokens: number, seed: number): string {
  const rnd = mulberry32(seed);
  let s = "";
  for (let i = 0; i < nTokens; i++) {
    s += " ";
    for (let j = 0; j < 3; j++) s += LETTERS[Math.floor(rnd() * 26)] ?? "a";
  }
  return s;
}
