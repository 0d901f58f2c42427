/**
 * One endpoint's approximate KV cache: block hashes in recency order, each costing the tokens it
 * stands for, evicted oldest first once the total exceeds the engine's KV capacity (or the entry
 * bound). Map insertion order is the recency order; no per-entry node objects.
 */
export class BlockLru {
  /** hash → tokens the entry stands for. */
  readonly #map = new Map<number, number>();
  readonly #maxEntries: number;
  #tokens = 0;
  /** Token budget; Infinity when the engine's capacity is unknown (then only maxEntries bounds it). */
  capacityTokens = Infinity;
  evictions = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  has(hash: number): boolean {
    return this.#map.has(hash);
  }

  /** Inserts or refreshes `hash` as the most recently used entry, then evicts past the bounds. */
  touch(hash: number, tokens: number): void {
    const old = this.#map.get(hash);
    if (old !== undefined) {
      this.#map.delete(hash);
      this.#tokens -= old;
    }
    this.#map.set(hash, tokens);
    this.#tokens += tokens;
  }

  /** Evicts the oldest entries until both bounds hold. Call once after a batch of touches. */
  evict(): void {
    while (this.#map.size > this.#maxEntries || this.#tokens > this.capacityTokens) {
      const oldest = this.#map.entries().next();
      if (oldest.done === true) break;
      this.#map.delete(oldest.value[0]);
      this.#tokens -= oldest.value[1];
      this.evictions++;
    }
  }

  get size(): number {
    return this.#map.size;
  }

  get tokens(): number {
    return this.#tokens;
  }
}
