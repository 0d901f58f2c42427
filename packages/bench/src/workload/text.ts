// Synthetic prompt text whose tokenisation is known without running the tokenizer: every word is a
// space and three lower-case letters, which the shared tokenizer maps to exactly one token. A prompt
// is a sequence of word indices (0..17,575), so its text and its token ids are both O(n) table
// lookups. Tests check `tokenize(text(words)) === tokens(words)`.
import { mulberry32, tokenize } from "@tessera/shared/tokens/tokenizer";

export const WORDS = 26 * 26 * 26;

let table: { text: string[]; ids: Int32Array } | null = null;

function words(): { text: string[]; ids: Int32Array } {
  if (table === null) {
    const text = new Array<string>(WORDS);
    const ids = new Int32Array(WORDS);
    for (let i = 0; i < WORDS; i++) {
      const w =
        " " +
        String.fromCharCode(97 + Math.floor(i / 676)) +
        String.fromCharCode(97 + (Math.floor(i / 26) % 26)) +
        String.fromCharCode(97 + (i % 26));
      text[i] = w;
      const t = tokenize(w);
      if (t.length !== 1) throw new Error(`word "${w}" is ${t.length} tokens`);
      ids[i] = t[0] as number;
    }
    table = { text, ids };
  }
  return table;
}

/** `n` seeded random word indices. */
export function randomWords(n: number, seed: number): Uint16Array {
  const rnd = mulberry32(seed);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rnd() * WORDS);
  return out;
}

/** Token ids of the concatenation of the given word sequences. */
export function wordTokens(...parts: readonly Uint16Array[]): number[] {
  const ids = words().ids;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Array<number>(n);
  let k = 0;
  for (const p of parts)
    for (let i = 0; i < p.length; i++) out[k++] = ids[p[i] as number] as number;
  return out;
}

/** Text of the concatenation of the given word sequences. */
export function wordText(...parts: readonly Uint16Array[]): string {
  const t = words().text;
  const chunks: string[] = [];
  for (const p of parts)
    for (let i = 0; i < p.length; i++) chunks.push(t[p[i] as number] as string);
  return chunks.join("");
}
