/**
 * A bounded LRU on top of Map's insertion order: `touch` moves a key to the young end, and the
 * oldest keys are evicted past `capacity`. O(1) per operation, no per-entry node objects.
 */
export class Lru<K, V> {
  readonly capacity: number;
  readonly #map = new Map<K, V>();
  evictions = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#map.size;
  }

  has(k: K): boolean {
    return this.#map.has(k);
  }

  /** Reads without changing recency. */
  peek(k: K): V | undefined {
    return this.#map.get(k);
  }

  /** Reads and marks as most recently used. */
  get(k: K): V | undefined {
    const v = this.#map.get(k);
    if (v !== undefined) {
      this.#map.delete(k);
      this.#map.set(k, v);
    }
    return v;
  }

  set(k: K, v: V): void {
    this.#map.delete(k);
    this.#map.set(k, v);
    while (this.#map.size > this.capacity) {
      const oldest = this.#map.keys().next();
      if (oldest.done === true) break;
      this.#map.delete(oldest.value);
      this.evictions++;
    }
  }

  delete(k: K): void {
    this.#map.delete(k);
  }

  clear(): void {
    this.#map.clear();
  }

  keys(): IterableIterator<K> {
    return this.#map.keys();
  }
}
