// 64-bit FNV-1a in pure JavaScript (two 32-bit halves, no BigInt), so it runs the same in Node and in
// a browser. Used by the tokenizer (32-bit variant) and by the chained block hashes.

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const TWO_32 = 0x1_0000_0000;

/** Running 64-bit FNV-1a state; `hi`/`lo` are unsigned 32-bit halves. */
export interface Fnv64 {
  hi: number;
  lo: number;
}

export function fnv64Init(): Fnv64 {
  return { hi: OFFSET_HI, lo: OFFSET_LO };
}

/** Folds one byte into the state (xor, then multiply by the FNV prime 2^40 + 0x1b3, mod 2^64). */
export function fnv64Byte(h: Fnv64, byte: number): void {
  const lo = (h.lo ^ (byte & 0xff)) >>> 0;
  const pLo = lo * 0x1b3; // < 2^41, exact in a double
  const carry = (pLo / TWO_32) >>> 0; // pLo < 2^41, so the quotient is < 2^9
  // (hi·2^32 + lo)·(2^40 + 0x1b3) mod 2^64: the 2^40 term only reaches the high word as lo·2^8.
  h.hi = (h.hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
  h.lo = pLo >>> 0;
}

/** Folds an unsigned 32-bit integer as 4 little-endian bytes. */
export function fnv64Uint32(h: Fnv64, value: number): void {
  fnv64Byte(h, value);
  fnv64Byte(h, value >>> 8);
  fnv64Byte(h, value >>> 16);
  fnv64Byte(h, value >>> 24);
}

/** Folds a string as UTF-16 code units, each as 2 little-endian bytes. */
export function fnv64String(h: Fnv64, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    fnv64Byte(h, c);
    fnv64Byte(h, c >>> 8);
  }
}

export function fnv64Hex(h: Fnv64): string {
  return h.hi.toString(16).padStart(8, "0") + h.lo.toString(16).padStart(8, "0");
}

/** Parses a 16-hex-digit hash back into a state (used to chain from a parent hash). */
export function fnv64FromHex(hex: string): Fnv64 {
  const hi = parseInt(hex.slice(0, 8), 16);
  const lo = parseInt(hex.slice(8), 16);
  if (hex.length !== 16 || Number.isNaN(hi) || Number.isNaN(lo))
    throw new Error(`not a 64-bit hex hash: ${hex}`);
  return { hi, lo };
}

/** 32-bit FNV-1a of a string (UTF-16 code units), for token ids. */
export function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= s.charCodeAt(i) >>> 8;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
