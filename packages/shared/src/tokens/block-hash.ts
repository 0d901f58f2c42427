// Chained block hashes over token ids, with vLLM's automatic-prefix-caching semantics: the prompt is cut
// into blocks of `blockSize` tokens, only full blocks get a hash, and each block's hash covers its
// parent's hash, so equal hashes mean equal whole prefixes.
//
// Hash function (documented in docs/engine-sim.md): FNV-1a 64 over 32-bit words instead of bytes
// (four times fewer rounds; token ids are 32-bit), folding in order
//   the parent hash as two words, high half first,
//   each UTF-16 code unit of the extra key if any (e.g. a LoRA adapter name, like vLLM's extra keys),
//   the separator word 0xffffffff,
//   each token id.
// The root parent is ROOT_BLOCK_HASH (the FNV-1a 64 offset basis). Hashes are 16 lower-case hex digits
// (exact and JSON-safe). Isomorphic: no node:* imports.

import { fnv64FromHex } from "./fnv.ts";

export type BlockHash = string;

/** Parent of the first block: the FNV-1a 64 offset basis. */
export const ROOT_BLOCK_HASH: BlockHash = "cbf29ce484222325";
const ROOT_HI = 0xcbf29ce4;
const ROOT_LO = 0x84222325;

const NIBBLE = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]; // "0-9a-f"

/** 16 hex digits of (hi, lo) as one flat string (fast as a Map key, unlike a concatenation rope). */
function hex64(hi: number, lo: number): string {
  const n = (v: number, k: number) => NIBBLE[(v >>> k) & 15] ?? 48;
  return String.fromCharCode(
    n(hi, 28),
    n(hi, 24),
    n(hi, 20),
    n(hi, 16),
    n(hi, 12),
    n(hi, 8),
    n(hi, 4),
    n(hi, 0),
    n(lo, 28),
    n(lo, 24),
    n(lo, 20),
    n(lo, 16),
    n(lo, 12),
    n(lo, 8),
    n(lo, 4),
    n(lo, 0),
  );
}

// Result registers of hashInto (avoids allocating a pair per block).
let outHi = 0;
let outLo = 0;

/**
 * FNV-1a 64 over 32-bit words: for each word w, lo ^= w, then (hi·2^32 + lo) *= 2^40 + 0x1b3
 * (mod 2^64). The result is left in outHi/outLo (unsigned). Everything stays in int32 arithmetic;
 * the carry out of the low word comes from 16-bit partial products.
 */
function hashInto(
  pHi: number,
  pLo: number,
  tokens: ArrayLike<number>,
  start: number,
  end: number,
  extraKey?: string,
): void {
  let hi = ROOT_HI | 0;
  let lo = ROOT_LO | 0;
  // Words before the tokens: parent hi, parent lo, the extra key's code units, the separator. The
  // round is written out in one loop (no closure, no array) to keep hi/lo in registers.
  const keyLen = extraKey ? extraKey.length : 0;
  const headLen = 3 + keyLen;
  const n = headLen + (end - start);
  for (let j = 0; j < n; j++) {
    let w: number;
    if (j >= headLen) w = tokens[start + j - headLen] ?? 0;
    else if (j === 0) w = pHi;
    else if (j === 1) w = pLo;
    else if (j === headLen - 1) w = 0xffffffff;
    else w = extraKey ? extraKey.charCodeAt(j - 2) : 0;
    lo ^= w;
    const m0 = (lo & 0xffff) * 0x1b3;
    const m1 = (lo >>> 16) * 0x1b3;
    const carry = ((m0 >>> 16) + m1) >>> 16;
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) | 0;
    lo = Math.imul(lo, 0x1b3);
  }
  outHi = hi >>> 0;
  outLo = lo >>> 0;
}

/** Hash of one block (tokens[start, end)) given its parent's hash. */
export function blockHash(
  parentHash: BlockHash,
  tokens: ArrayLike<number>,
  start = 0,
  end = tokens.length,
  extraKey?: string,
): BlockHash {
  const p = fnv64FromHex(parentHash);
  hashInto(p.hi, p.lo, tokens, start, end, extraKey);
  return hex64(outHi, outLo);
}

/**
 * Hashes of every full block of `tokenIds` (a trailing partial block gets none).
 * `parentHash` lets a caller continue a chain (e.g. hash only newly appended blocks).
 */
export function blockHashes(
  tokenIds: ArrayLike<number>,
  blockSize: number,
  parentHash: BlockHash = ROOT_BLOCK_HASH,
  extraKey?: string,
): BlockHash[] {
  return blockHashesInRange(tokenIds, 0, tokenIds.length, blockSize, parentHash, extraKey);
}

/** Like blockHashes over tokenIds[start, end), without copying the slice. */
export function blockHashesInRange(
  tokenIds: ArrayLike<number>,
  start: number,
  end: number,
  blockSize: number,
  parentHash: BlockHash = ROOT_BLOCK_HASH,
  extraKey?: string,
): BlockHash[] {
  if (!Number.isInteger(blockSize) || blockSize <= 0)
    throw new Error(`bad block size ${blockSize}`);
  const out: BlockHash[] = [];
  const p = fnv64FromHex(parentHash);
  let hi = p.hi;
  let lo = p.lo;
  const full = Math.floor((end - start) / blockSize);
  for (let b = 0; b < full; b++) {
    const from = start + b * blockSize;
    hashInto(hi, lo, tokenIds, from, from + blockSize, extraKey);
    hi = outHi;
    lo = outLo;
    out.push(hex64(hi, lo));
  }
  return out;
}
