// Generated text. Each output token is one short word (a space and at most three letters), so the
// shared tokenizer turns the generated text back into exactly these token ids: a multi-turn client that
// sends the answer back gets prefix-cache hits on it, as with a real engine.

import { mulberry32, tokenize } from "@tessera/shared/tokens/tokenizer";

const WORDS = (
  " the of and to in is it you that he was for on are as with his they at be this have from or one" +
  " had by but not what all were we when can an use each she do how if will up out him has two way" +
  " see its now may day get own say new set put end far add few big ask men off red try old"
)
  .split(/(?= )/)
  .filter((w) => w.length >= 2 && w.length <= 4);

const WORD_IDS = WORDS.map((w) => {
  const ids = tokenize(w);
  if (ids.length !== 1) throw new Error(`output word ${JSON.stringify(w)} is not one token`);
  return ids[0] ?? 0;
});
const TEXT_BY_ID = new Map<number, string>(WORD_IDS.map((id, i) => [id, WORDS[i] ?? ""]));

/** Per-request token source, deterministic for (engine seed, arrival order). */
export function outputSampler(seed: number, seq: number): () => number {
  const rnd = mulberry32((seed * 0x9e3779b1 + seq * 0x85ebca6b) >>> 0);
  return () => WORD_IDS[Math.floor(rnd() * WORD_IDS.length)] ?? 0;
}

/** Text of an output token id. */
export function tokenText(id: number): string {
  return TEXT_BY_ID.get(id) ?? "";
}
