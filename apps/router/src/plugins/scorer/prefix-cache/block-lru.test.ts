import { describe, expect, it } from "vitest";
import { BlockLru } from "./block-lru.ts";

/** The reference: a Map in recency order (insertion order), as the LRU was before the typed arrays. */
class MapLru {
  readonly map = new Map<number, number>();
  tokens = 0;
  evictions = 0;
  capacityTokens = Infinity;
  readonly maxEntries: number;
  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }
  touch(h: number, t: number): void {
    const old = this.map.get(h);
    if (old !== undefined) {
      this.map.delete(h);
      this.tokens -= old;
    }
    this.map.set(h, t);
    this.tokens += t;
  }
  evict(): void {
    while (this.map.size > this.maxEntries || this.tokens > this.capacityTokens) {
      const [k, v] = this.map.entries().next().value as [number, number];
      this.map.delete(k);
      this.tokens -= v;
      this.evictions++;
    }
  }
}

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("BlockLru", () => {
  it("matches a Map-ordered LRU through inserts, refreshes, evictions and growth", () => {
    const r = rng(7);
    // 53-bit hashes like prefixBlockHashes', plus negative tail keys; a small pool forces repeats.
    const pool = Array.from({ length: 3000 }, (_, i) =>
      i % 10 === 9 ? -(i + 1) : Math.floor(r() * 2 ** 32) * 0x20_0000 + Math.floor(r() * 0x20_0000),
    );
    const lru = new BlockLru(1500, 16);
    const ref = new MapLru(1500);
    for (let step = 0; step < 400; step++) {
      if (step % 50 === 0)
        lru.capacityTokens = ref.capacityTokens = step % 100 === 0 ? 8000 : Infinity;
      const batch = Float64Array.from(
        { length: 1 + Math.floor(r() * 60) },
        () => pool[Math.floor(r() * pool.length)] as number,
      );
      const tokens = r() < 0.5 ? 16 : 4.25;
      lru.touchReversed(batch, tokens);
      for (let i = batch.length - 1; i >= 0; i--) ref.touch(batch[i] as number, tokens);
      lru.evict();
      ref.evict();
      expect(lru.size).toBe(ref.map.size);
      expect(lru.tokens).toBe(ref.tokens);
      expect(lru.evictions).toBe(ref.evictions);
    }
    for (const h of pool) expect(lru.has(h)).toBe(ref.map.has(h));
    // Emptying both evicts the same number of entries and leaves no tokens behind.
    lru.capacityTokens = ref.capacityTokens = 0;
    lru.evict();
    ref.evict();
    expect(lru.size).toBe(0);
    expect(lru.tokens).toBe(0);
    expect(lru.evictions).toBe(ref.evictions);
  });

  it("isNewestRun is true exactly when touching the run would leave the order unchanged", () => {
    const r = rng(11);
    // A few prompts' block runs (some sharing a prefix), with and without a tail entry first.
    const prompts = Array.from({ length: 6 }, (_, p) =>
      Float64Array.from({ length: 1 + Math.floor(r() * 8) }, (_, i) =>
        p < 3 && i < 3 ? 1000 + i : p * 100 + i,
      ),
    );
    const lru = new BlockLru(40, 16);
    const ref = new MapLru(40);
    let hits = 0;
    for (let step = 0; step < 3000; step++) {
      const hs = prompts[Math.floor(r() * prompts.length)] as Float64Array;
      const tail = r() < 0.3 ? -(1 + Math.floor(r() * 3)) : undefined;
      const tokens = r() < 0.8 ? 16 : 8;
      const tailTokens = r() < 0.8 ? 5 : 6;
      // The reference's answer: its newest entries, oldest to newest, are [tail?, hs[n-1] … hs[0]].
      const want = [
        ...(tail === undefined ? [] : [[tail, tailTokens]]),
        ...[...hs].reverse().map((h) => [h, tokens]),
      ];
      const order = [...ref.map];
      const newest = order.slice(Math.max(0, order.length - want.length));
      const same =
        newest.length === want.length &&
        newest.every(([k, v], i) => k === want[i]?.[0] && v === want[i]?.[1]);
      expect(lru.isNewestRun(hs, tokens, tail, tailTokens)).toBe(same);
      if (same) hits++;
      if (tail !== undefined) ref.touch(tail, tailTokens);
      for (let i = hs.length - 1; i >= 0; i--) ref.touch(hs[i] as number, tokens);
      // When the run was already the newest, touching it changed nothing in the reference either.
      if (same) expect([...ref.map]).toEqual(order);
      if (!same) {
        if (tail !== undefined) lru.touch(tail, tailTokens);
        lru.touchReversed(hs, tokens);
      }
      lru.evict();
      ref.evict();
      expect(lru.size).toBe(ref.map.size);
      expect(lru.tokens).toBe(ref.tokens);
      expect(lru.evictions).toBe(ref.evictions);
    }
    expect(hits).toBeGreaterThan(100);
    for (const [h] of ref.map) expect(lru.has(h)).toBe(true);
  });

  it("evicts oldest first and matchPrefix stops at the first absent hash", () => {
    const lru = new BlockLru(3);
    for (const h of [1, 2, 3, 4]) lru.touch(h, 1);
    lru.evict();
    expect([1, 2, 3, 4].map((h) => lru.has(h))).toEqual([false, true, true, true]);
    lru.touch(2, 1); // 2 is now the newest: 3 goes next
    lru.touch(5, 1);
    lru.evict();
    expect([2, 3, 4, 5].map((h) => lru.has(h))).toEqual([true, false, true, true]);
    expect(lru.matchPrefix(Float64Array.of(4, 5, 3, 2))).toBe(2);
    expect(lru.matchPrefix(Float64Array.of(3, 4))).toBe(0);
  });
});
