/**
 * One endpoint's approximate KV cache: block hashes in recency order, each costing the tokens it
 * stands for, evicted oldest first once the total exceeds the engine's KV capacity (or the entry
 * bound).
 *
 * Typed arrays rather than a Map<number, number>: the hashes are 53-bit numbers, which a Map holds
 * as boxed heap numbers, so every lookup and every refresh (delete + set, to move an entry to the
 * end of the insertion order) allocated, and a 16 KB prompt makes 256 of them per endpoint scored
 * and per record. Here an open-addressing table (linear probing, backward-shift deletion, no
 * tombstones) maps a hash to an entry slot, and the entries form a doubly linked list by index,
 * oldest first. The batch methods read the prompt's hashes straight from its Float64Array, so
 * nothing is boxed or allocated per block.
 */
const NIL = -1;
const TWO_21 = 0x20_0000;

export class BlockLru {
  readonly #maxEntries: number;
  // Entries, by slot index.
  #keys: Float64Array;
  #cost: Float64Array;
  #prev: Int32Array;
  #next: Int32Array;
  /** Open-addressing table: entry slot + 1, 0 = empty. Length is a power of two ≥ 2 × entries. */
  #table: Int32Array;
  #mask: number;
  #size = 0;
  #head = NIL; // oldest
  #tail = NIL; // newest
  /** Unused entry slots, linked through #next. */
  #free = NIL;
  /** First never-used entry slot. */
  #used = 0;
  #tokens = 0;
  /** Token budget; Infinity when the engine's capacity is unknown (then only maxEntries bounds it). */
  capacityTokens = Infinity;
  evictions = 0;
  /** Counts touches: equal values before and after a batch mean nothing else was touched between. */
  touches = 0;

  constructor(maxEntries: number, initialEntries = 1024) {
    this.#maxEntries = Math.max(1, maxEntries);
    const n = Math.max(16, initialEntries);
    this.#keys = new Float64Array(n);
    this.#cost = new Float64Array(n);
    this.#prev = new Int32Array(n);
    this.#next = new Int32Array(n);
    this.#table = new Int32Array(tableSizeFor(n));
    this.#mask = this.#table.length - 1;
  }

  has(hash: number): boolean {
    return this.#find(hash) !== NIL;
  }

  /** How many of `hashes`' leading entries are present (stops at the first absent one). */
  matchPrefix(hashes: Float64Array): number {
    let m = 0;
    while (m < hashes.length && this.#find(hashes[m] as number) !== NIL) m++;
    return m;
  }

  /** Inserts or refreshes `hash` as the most recently used entry. Call evict() after a batch. */
  touch(hash: number, tokens: number): void {
    this.touches++;
    let e = this.#find(hash);
    if (e !== NIL) {
      this.#tokens -= this.#cost[e] as number;
      this.#unlink(e);
    } else {
      e = this.#alloc();
      this.#keys[e] = hash;
      this.#insertKey(e);
      this.#size++;
    }
    this.#cost[e] = tokens;
    this.#tokens += tokens;
    this.#append(e);
  }

  /** touch() for hashes[n-1] down to hashes[0]: a prompt's leading blocks end up the newest. */
  touchReversed(hashes: Float64Array, tokens: number): void {
    for (let i = hashes.length - 1; i >= 0; i--) this.touch(hashes[i] as number, tokens);
  }

  /**
   * True if the newest entries are already, oldest to newest, `first` (when given, costing
   * `firstTokens`) then hashes[n-1] … hashes[0], each costing `tokens`: touching `first` and then
   * touchReversed(hashes, tokens) would leave the LRU exactly as it is (same order, costs, totals).
   * Walks from the newest entry and stops at the first difference, so a miss usually costs one step.
   */
  isNewestRun(hashes: Float64Array, tokens: number, first?: number, firstTokens = 0): boolean {
    let e = this.#tail;
    for (let i = 0; i < hashes.length; i++) {
      if (e === NIL || this.#keys[e] !== hashes[i] || this.#cost[e] !== tokens) return false;
      e = this.#prev[e] as number;
    }
    if (first === undefined) return true;
    return e !== NIL && this.#keys[e] === first && this.#cost[e] === firstTokens;
  }

  /** Evicts the oldest entries until both bounds hold. Call once after a batch of touches. */
  evict(): void {
    while (
      this.#head !== NIL &&
      (this.#size > this.#maxEntries || this.#tokens > this.capacityTokens)
    ) {
      const e = this.#head;
      this.#unlink(e);
      this.#removeKey(e);
      this.#tokens -= this.#cost[e] as number;
      this.#size--;
      this.#next[e] = this.#free;
      this.#free = e;
      this.evictions++;
    }
  }

  get size(): number {
    return this.#size;
  }

  get tokens(): number {
    return this.#tokens;
  }

  #slotOf(hash: number): number {
    // The hash is hi32 × 2^21 + lo21 (or a small negative integer for prompt tails): mix both parts.
    // (No `%` on the double: V8 calls fmod for it, which cost more than the rest of a lookup.)
    const hi = (hash / TWO_21) >>> 0;
    const lo = (hash - hi * TWO_21) | 0;
    return Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1) >>> 0;
  }

  #find(hash: number): number {
    const t = this.#table;
    const mask = this.#mask;
    for (let i = this.#slotOf(hash) & mask; ; i = (i + 1) & mask) {
      const v = t[i] as number;
      if (v === 0) return NIL;
      if (this.#keys[v - 1] === hash) return v - 1;
    }
  }

  #insertKey(e: number): void {
    const t = this.#table;
    const mask = this.#mask;
    let i = this.#slotOf(this.#keys[e] as number) & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = e + 1;
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones are left. */
  #removeKey(e: number): void {
    const t = this.#table;
    const mask = this.#mask;
    let i = this.#slotOf(this.#keys[e] as number) & mask;
    while (t[i] !== e + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.#slotOf(this.#keys[(t[j] as number) - 1] as number) & mask;
      // Move t[j] into the hole at i unless its home lies cyclically in (i, j].
      if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
        t[i] = t[j] as number;
        i = j;
      }
    }
    t[i] = 0;
  }

  #alloc(): number {
    if (this.#free !== NIL) {
      const e = this.#free;
      this.#free = this.#next[e] as number;
      return e;
    }
    if (this.#used === this.#keys.length) this.#grow();
    return this.#used++;
  }

  /** Doubles the entry arrays and rebuilds the table (entries keep their slots and links). */
  #grow(): void {
    const n = this.#keys.length * 2;
    const keys = new Float64Array(n);
    keys.set(this.#keys);
    this.#keys = keys;
    const cost = new Float64Array(n);
    cost.set(this.#cost);
    this.#cost = cost;
    const prev = new Int32Array(n);
    prev.set(this.#prev);
    this.#prev = prev;
    const next = new Int32Array(n);
    next.set(this.#next);
    this.#next = next;
    this.#table = new Int32Array(tableSizeFor(n));
    this.#mask = this.#table.length - 1;
    for (let e = this.#head; e !== NIL; e = this.#next[e] as number) this.#insertKey(e);
  }

  #unlink(e: number): void {
    const p = this.#prev[e] as number;
    const n = this.#next[e] as number;
    if (p === NIL) this.#head = n;
    else this.#next[p] = n;
    if (n === NIL) this.#tail = p;
    else this.#prev[n] = p;
  }

  #append(e: number): void {
    this.#prev[e] = this.#tail;
    this.#next[e] = NIL;
    if (this.#tail === NIL) this.#head = e;
    else this.#next[this.#tail] = e;
    this.#tail = e;
  }
}

/** Power of two ≥ 2 × entries: load factor ≤ ½ keeps linear-probe runs short. */
function tableSizeFor(entries: number): number {
  let n = 16;
  while (n < entries * 2) n *= 2;
  return n;
}
