import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, PostResponse, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { Lru } from "../../../util/lru.ts";
import { parseParams } from "../../params.ts";

export const PREFIX_CACHE_TYPE = "prefix-cache";

const Params = z.strictObject({
  /** Characters per block (≈ 16 tokens × 4 characters, vLLM's block). */
  blockSize: z.number().int().min(1).default(64),
  /** Blocks hashed at most (bounds CPU per request). */
  maxBlocks: z.number().int().min(1).default(128),
  /** Block hashes remembered per endpoint (LRU); memory ≈ entries × ~80 bytes. */
  lruCapacityPerEndpoint: z.number().int().min(1).default(50_000),
});

const TWO_21 = 0x20_0000;

/**
 * Chained block hashes of the prompt text: one pass with two 32-bit FNV-style states seeded by the
 * model name, sampled at every block boundary and folded into a 53-bit number, so block i's hash
 * covers the whole prefix up to it. No crypto hash and no per-block string or object.
 */
export function prefixBlockHashes(
  model: string,
  text: string,
  blockSize: number,
  maxBlocks: number,
): Float64Array {
  const nBlocks = Math.min(maxBlocks, Math.floor(text.length / blockSize));
  const out = new Float64Array(nBlocks);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ model.length;
  for (let i = 0; i < model.length; i++) {
    const c = model.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  let pos = 0;
  for (let b = 0; b < nBlocks; b++) {
    const end = pos + blockSize;
    for (; pos < end; pos++) {
      const c = text.charCodeAt(pos);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    out[b] = (h1 >>> 0) * TWO_21 + ((h2 >>> 0) & (TWO_21 - 1));
  }
  return out;
}

/**
 * Approximate, router-local prefix affinity: remembers which endpoint served which block hashes and
 * scores each candidate by the fraction of the prompt's leading blocks it has seen:
 * score = matched leading blocks / prompt blocks.
 */
export class PrefixCacheScorer implements Scorer, PostResponse {
  readonly typedName: TypedName;
  readonly category = "affinity" as const;
  readonly #blockSize: number;
  readonly #maxBlocks: number;
  readonly #capacity: number;
  readonly #memoKey: string;
  readonly #byEndpoint = new Map<string, Lru<number, true>>();

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: PREFIX_CACHE_TYPE, name };
    this.#blockSize = params.blockSize;
    this.#maxBlocks = params.maxBlocks;
    this.#capacity = params.lruCapacityPerEndpoint;
    this.#memoKey = `prefix-cache:${name}`;
  }

  hashes(req: InferenceRequest): Float64Array {
    let h = req.memo[this.#memoKey] as Float64Array | undefined;
    if (h === undefined) {
      h = prefixBlockHashes(req.targetModel, req.promptText(), this.#blockSize, this.#maxBlocks);
      req.memo[this.#memoKey] = h;
    }
    return h;
  }

  score(
    _cx: CycleContext,
    req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    const hs = this.hashes(req);
    const total = hs.length;
    if (total === 0) return;
    for (let i = 0; i < eps.length; i++) {
      const lru = this.#byEndpoint.get((eps[i] as Endpoint).id);
      if (lru === undefined) continue;
      let m = 0;
      while (m < total && lru.has(hs[m] as number)) m++;
      out[i] = m / total;
    }
  }

  postResponse(req: InferenceRequest, ep: Endpoint, ok: boolean): void {
    if (!ok) return;
    const hs = this.hashes(req);
    if (hs.length === 0) return;
    let lru = this.#byEndpoint.get(ep.id);
    if (lru === undefined) {
      lru = new Lru(this.#capacity);
      this.#byEndpoint.set(ep.id, lru);
    }
    for (let i = 0; i < hs.length; i++) lru.set(hs[i] as number, true);
  }

  endpointRemoved(id: string): void {
    this.#byEndpoint.delete(id);
  }

  stats(): Record<string, number> {
    let entries = 0;
    let evictions = 0;
    for (const l of this.#byEndpoint.values()) {
      entries += l.size;
      evictions += l.evictions;
    }
    return { endpoints: this.#byEndpoint.size, entries, evictions };
  }
}

export const prefixCacheFactory: PluginFactory = (name, raw) =>
  new PrefixCacheScorer(name, parseParams(Params, PREFIX_CACHE_TYPE, name, raw));
