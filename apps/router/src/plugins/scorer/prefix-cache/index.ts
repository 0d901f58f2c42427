import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type {
  CycleContext,
  PostResponse,
  PreRequest,
  Scorer,
} from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { keepStringPrototypeFast } from "../../../util/fast-string-prototype.ts";
import { parseParams } from "../../params.ts";
import { BlockLru } from "./block-lru.ts";

// The hash loop loads `text.charCodeAt` per character: without this, once ioredis is loaded, each
// load is a builtin call and the hash costs 4× more (see util/fast-string-prototype.ts).
keepStringPrototypeFast();

export const PREFIX_CACHE_TYPE = "prefix-cache";

const Params = z.strictObject({
  /** Characters per block (≈ 16 tokens × 4 characters, vLLM's block). */
  blockSize: z.number().int().min(1).default(64),
  /** Blocks hashed at most (bounds CPU per request). */
  maxBlocks: z.number().int().min(1).default(128),
  /** Block hashes remembered per endpoint at most (LRU); memory ≈ entries × 32–64 bytes. */
  lruCapacityPerEndpoint: z.number().int().min(1).default(50_000),
  /**
   * The engine's KV-cache capacity in tokens: the index forgets the least recently used blocks
   * beyond it, as the engine evicts them. Unset: taken from the endpoint's scraped metrics (vLLM
   * cache_config_info, SGLang max_total_num_tokens); when neither is known, only
   * lruCapacityPerEndpoint bounds the index.
   */
  kvCapacityTokens: z.number().int().min(1).optional(),
  /** Characters per token, to convert text blocks into the engine's token capacity. */
  charsPerToken: z.number().positive().default(4),
  /**
   * When a prompt's blocks are recorded for the chosen endpoint: `schedule` (when the request is
   * sent, as llm-d's approximate scorer does; the engine caches the prompt from prefill on) or only
   * `response` (after a successful response). Both refresh the entries after a successful response.
   */
  recordOn: z.enum(["schedule", "response"]).default("schedule"),
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
 * Approximate, router-local prefix affinity: remembers which endpoint was sent which block hashes
 * (forgetting them as the engine's KV capacity would) and scores each candidate by the fraction of the prompt's leading blocks it has seen:
 * score = matched leading blocks / prompt blocks.
 */
export class PrefixCacheScorer implements Scorer, PreRequest, PostResponse {
  readonly typedName: TypedName;
  readonly category = "affinity" as const;
  readonly #blockSize: number;
  readonly #maxBlocks: number;
  readonly #maxEntries: number;
  readonly #kvCapacityTokens: number | undefined;
  readonly #charsPerToken: number;
  readonly #memoKey: string;
  readonly #tailMemoKey: string;
  /** The LRU this request was last recorded into, and its touch count right after. */
  readonly #lruMemoKey: string;
  readonly #touchesMemoKey: string;
  readonly #recordOnSchedule: boolean;
  readonly #byEndpoint = new Map<string, BlockLru>();
  /** Keys for the unhashed tails of prompts: negative, so they never equal a block hash. */
  #tailKey = 0;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: PREFIX_CACHE_TYPE, name };
    this.#blockSize = params.blockSize;
    this.#maxBlocks = params.maxBlocks;
    this.#maxEntries = params.lruCapacityPerEndpoint;
    this.#kvCapacityTokens = params.kvCapacityTokens;
    this.#charsPerToken = params.charsPerToken;
    this.#memoKey = `prefix-cache:${name}`;
    this.#tailMemoKey = `prefix-cache:${name}:tail`;
    this.#lruMemoKey = `prefix-cache:${name}:lru`;
    this.#touchesMemoKey = `prefix-cache:${name}:touches`;
    this.#recordOnSchedule = params.recordOn === "schedule";
  }

  /** Characters per hashed block, blocks hashed at most, characters per token (the params). */
  get blockSize(): number {
    return this.#blockSize;
  }
  get maxBlocks(): number {
    return this.#maxBlocks;
  }
  get charsPerToken(): number {
    return this.#charsPerToken;
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
      if (lru !== undefined) out[i] = lru.matchPrefix(hs) / total;
    }
  }

  /** `recordOn: schedule`: the engine starts caching the prompt as soon as it receives it. */
  preRequest(req: InferenceRequest, ep: Endpoint): void {
    if (this.#recordOnSchedule) this.#record(req, ep);
  }

  /** A served prompt is (again) the engine's most recent; a failed one is not learnt. */
  postResponse(req: InferenceRequest, ep: Endpoint, ok: boolean): void {
    if (ok) this.#record(req, ep);
  }

  /**
   * Records that `ep`'s engine now holds the prompt (again: a second call refreshes the same entries).
   * With a known KV capacity the index models the engine's LRU: the prompt's text beyond the hashed
   * blocks occupies capacity too (one entry of that many tokens), and the blocks go in tail first so
   * that, as in vLLM's free-block queue, a prompt's leading blocks are the last of it to be evicted.
   */
  #record(req: InferenceRequest, ep: Endpoint): void {
    const hs = this.hashes(req);
    if (hs.length === 0) return;
    let lru = this.#byEndpoint.get(ep.id);
    if (lru === undefined) {
      lru = new BlockLru(this.#maxEntries);
      this.#byEndpoint.set(ep.id, lru);
    }
    const scraped = ep.metrics.kvCapacityTokens;
    lru.capacityTokens = this.#kvCapacityTokens ?? (scraped > 0 ? scraped : Infinity);
    // Nothing touched this LRU since this request's blocks were recorded (schedule, then success
    // with no other request in between): they are still its newest entries in the same order, and
    // touching them again would leave it exactly as it is. Only the capacity may have changed.
    if (req.memo[this.#lruMemoKey] === lru && req.memo[this.#touchesMemoKey] === lru.touches) {
      lru.evict();
      return;
    }
    const blockTokens = this.#blockSize / this.#charsPerToken;
    let tailKey: number | undefined;
    let tailTokens = 0;
    if (lru.capacityTokens !== Infinity) {
      const tailChars = req.promptText().length - hs.length * this.#blockSize;
      if (tailChars > 0) {
        tailKey = req.memo[this.#tailMemoKey] as number | undefined;
        if (tailKey === undefined) req.memo[this.#tailMemoKey] = tailKey = -++this.#tailKey;
        tailTokens = tailChars / this.#charsPerToken;
      }
    }
    // The same blocks already the newest, in this order (e.g. the same prompt recorded last, by
    // another request in between): the touches would change nothing, so they are skipped.
    if (!lru.isNewestRun(hs, blockTokens, tailKey, tailTokens)) {
      if (tailKey !== undefined) lru.touch(tailKey, tailTokens);
      lru.touchReversed(hs, blockTokens);
    }
    lru.evict();
    req.memo[this.#lruMemoKey] = lru;
    req.memo[this.#touchesMemoKey] = lru.touches;
  }

  endpointRemoved(id: string): void {
    this.#byEndpoint.delete(id);
  }

  stats(): Record<string, number> {
    let entries = 0;
    let evictions = 0;
    let tokens = 0;
    for (const l of this.#byEndpoint.values()) {
      entries += l.size;
      evictions += l.evictions;
      tokens += l.tokens;
    }
    return { endpoints: this.#byEndpoint.size, entries, evictions, tokens: Math.round(tokens) };
  }
}

export const prefixCacheFactory: PluginFactory = (name, raw) =>
  new PrefixCacheScorer(name, parseParams(Params, PREFIX_CACHE_TYPE, name, raw));
