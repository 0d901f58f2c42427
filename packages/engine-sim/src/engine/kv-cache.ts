// Paged KV cache with vLLM (v1) automatic prefix caching:
//  - a fixed pool of blocks, each with a reference count and, once full, a chained content hash;
//  - free blocks (ref 0) sit in a doubly linked free queue; cached free blocks stay there as evictable
//    cache and are evicted, least recently freed first, when popped from the head for a new allocation;
//  - a request's blocks are freed in reverse order to the tail, so its longest-prefix block goes first;
//  - a cache hit "touches" blocks: ref++ and, if they were free, out of the free queue.

import type { BlockHash } from "@tessera/shared/tokens/block-hash";
import type { EngineRequest } from "./request.ts";

export type KvEvent =
  | {
      type: "BlockStored";
      block_hashes: BlockHash[];
      parent_block_hash: BlockHash | null;
      token_ids: number[];
      block_size: number;
      lora_id: number | null;
      lora_name: string | null;
      medium: "GPU";
    }
  | { type: "BlockRemoved"; block_hashes: BlockHash[]; medium: "GPU" }
  | { type: "AllBlocksCleared" };

const NONE = -1;
const NO_EVENTS: KvEvent[] = [];

export class KvCache {
  readonly numBlocks: number;
  readonly blockSize: number;
  private readonly ref: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly hashOf: (BlockHash | null)[];
  private readonly cached = new Map<BlockHash, number>();
  private head = NONE;
  private tail = NONE;
  private freeCount = 0;
  /** Events produced since the last drain (only when `recordEvents`). */
  private pending: KvEvent[] = [];
  recordEvents = false;
  loraIds = new Map<string, number>();

  constructor(numBlocks: number, blockSize: number) {
    this.numBlocks = numBlocks;
    this.blockSize = blockSize;
    this.ref = new Int32Array(numBlocks);
    this.prev = new Int32Array(numBlocks).fill(NONE);
    this.next = new Int32Array(numBlocks).fill(NONE);
    this.hashOf = new Array<BlockHash | null>(numBlocks).fill(null);
    for (let b = 0; b < numBlocks; b++) this.pushTail(b);
  }

  get numFree(): number {
    return this.freeCount;
  }

  /** Blocks holding a cached hash (resident, in use or evictable). */
  get numCachedBlocks(): number {
    return this.cached.size;
  }

  /** 1 − free/total, as vLLM's kv_cache_usage_perc (evictable cached blocks count as free). */
  get usage(): number {
    return 1 - this.freeCount / this.numBlocks;
  }

  has(hash: BlockHash): boolean {
    return this.cached.has(hash);
  }

  /** Every hash currently resident, for tests and debugging. */
  cachedHashes(): BlockHash[] {
    return [...this.cached.keys()];
  }

  drainEvents(): KvEvent[] {
    if (this.pending.length === 0) return NO_EVENTS;
    const e = this.pending;
    this.pending = [];
    return e;
  }

  /**
   * Longest run of cached leading blocks for `req`, leaving at least one prompt token to compute
   * (vLLM recomputes the last token so that it has logits to sample from).
   */
  findCachedPrefix(req: EngineRequest, numTokens: number): number[] {
    const maxBlocks = Math.floor((numTokens - 1) / this.blockSize);
    const hits: number[] = [];
    if (maxBlocks > 0) req.blockHashAt(maxBlocks - 1, this.blockSize); // hash the whole run at once
    for (let b = 0; b < maxBlocks; b++) {
      const id = this.cached.get(req.blockHashAt(b, this.blockSize));
      if (id === undefined) break;
      hits.push(id);
    }
    return hits;
  }

  /**
   * Makes room for `req` to hold `totalTokens` tokens, using `hits` (cached blocks found for a request
   * being admitted) first. Returns false, changing nothing, when there are not enough free blocks
   * (keeping `reserve` blocks free).
   */
  allocate(
    req: EngineRequest,
    totalTokens: number,
    hits: readonly number[] = [],
    reserve = 0,
  ): boolean {
    const needed = Math.ceil(totalTokens / this.blockSize) - req.blocks.length - hits.length;
    let touchFree = 0;
    for (const b of hits) if ((this.ref[b] ?? 0) === 0) touchFree++;
    if (Math.max(0, needed) + touchFree > this.freeCount - reserve) return false;
    for (const b of hits) {
      if ((this.ref[b] ?? 0) === 0) this.unlink(b);
      this.ref[b] = (this.ref[b] ?? 0) + 1;
      req.blocks.push(b);
    }
    const removed: BlockHash[] = [];
    for (let i = 0; i < needed; i++) {
      const b = this.head;
      this.unlink(b);
      const h = this.hashOf[b];
      if (h != null) {
        if (this.cached.get(h) === b) this.cached.delete(h);
        this.hashOf[b] = null;
        removed.push(h);
      }
      this.ref[b] = 1;
      req.blocks.push(b);
    }
    if (removed.length > 0 && this.recordEvents)
      this.pending.push({ type: "BlockRemoved", block_hashes: removed, medium: "GPU" });
    return true;
  }

  /** Registers the newly full, computed blocks of `req` in the prefix cache. */
  cacheFullBlocks(req: EngineRequest): void {
    const full = Math.min(Math.floor(req.numComputed / this.blockSize), req.blocks.length);
    if (full <= req.numHashedBlocks) return;
    req.blockHashAt(full - 1, this.blockSize); // hash the new blocks in one go
    let stored: BlockHash[] = [];
    let storedFrom = req.numHashedBlocks;
    const flush = (upTo: number) => {
      if (stored.length > 0 && this.recordEvents) {
        this.pending.push({
          type: "BlockStored",
          block_hashes: stored,
          parent_block_hash: req.parentHashOf(storedFrom, this.blockSize),
          token_ids: req.tokenSlice(storedFrom * this.blockSize, upTo * this.blockSize),
          block_size: this.blockSize,
          lora_id: req.lora ? (this.loraIds.get(req.lora) ?? null) : null,
          lora_name: req.lora ?? null,
          medium: "GPU",
        });
      }
      stored = [];
    };
    for (let i = req.numHashedBlocks; i < full; i++) {
      const b = req.blocks[i];
      if (b === undefined) break;
      const h = req.blockHashAt(i, this.blockSize);
      if (this.hashOf[b] === h) {
        flush(i);
        storedFrom = i + 1;
        continue; // a prefix-cache hit: already registered
      }
      if (this.cached.has(h)) {
        // Same content computed twice (two requests raced); vLLM keeps the duplicate uncached.
        flush(i);
        storedFrom = i + 1;
        continue;
      }
      if (stored.length === 0) storedFrom = i;
      this.hashOf[b] = h;
      this.cached.set(h, b);
      stored.push(h);
    }
    flush(full);
    req.numHashedBlocks = full;
  }

  /** Releases `req`'s blocks, last block first, to the tail of the free queue. */
  free(req: EngineRequest): void {
    for (let i = req.blocks.length - 1; i >= 0; i--) {
      const b = req.blocks[i];
      if (b === undefined) continue;
      const r = (this.ref[b] ?? 0) - 1;
      this.ref[b] = r;
      if (r === 0) this.pushTail(b);
    }
    req.blocks = [];
    req.numHashedBlocks = 0;
  }

  /** Drops every cached hash of free blocks (vLLM's reset_prefix_cache). Returns false if blocks are in use. */
  reset(): boolean {
    if (this.freeCount !== this.numBlocks) return false;
    this.cached.clear();
    this.hashOf.fill(null);
    if (this.recordEvents) this.pending.push({ type: "AllBlocksCleared" });
    return true;
  }

  private pushTail(b: number): void {
    this.prev[b] = this.tail;
    this.next[b] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = b;
    else this.head = b;
    this.tail = b;
    this.freeCount++;
  }

  private unlink(b: number): void {
    const p = this.prev[b] ?? NONE;
    const n = this.next[b] ?? NONE;
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
    this.prev[b] = NONE;
    this.next[b] = NONE;
    this.freeCount--;
  }
}
