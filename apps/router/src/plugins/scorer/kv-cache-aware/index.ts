import { applyChatTemplate } from "@tessera/shared/tokens/tokenizer";
import type { ChatMessage } from "@tessera/shared/tokens/tokenizer";
import { ROOT_BLOCK_HASH, blockHash } from "@tessera/shared/tokens/block-hash";
import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, PluginHandle, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { promptTokenCache } from "../../../util/prompt-tokens.ts";
import type { PromptTokenCache } from "../../../util/prompt-tokens.ts";
import { parseParams } from "../../params.ts";
import { RedisBlockIndex } from "./redis-index.ts";

export const KV_CACHE_AWARE_TYPE = "kv-cache-aware";

const Params = z
  .strictObject({
    /** Tokens per KV block; must equal the engines' block size. */
    blockSize: z.number().int().min(1).default(16),
    /** Leading blocks hashed and looked up at most. */
    maxBlocks: z.number().int().min(1).default(128),
    /**
     * `local`: the engines' deterministic tokenizer and chat template, in process (no I/O).
     * `engine`: POST /tokenize on one candidate endpoint (falls back to local on error or timeout).
     */
    tokenizer: z.enum(["local", "engine"]).default("local"),
    tokenizeTimeoutMs: z.number().int().min(1).default(200),
    /**
     * Where block ownership is kept. `events`: in this process, from the engines' KV event streams.
     * `redis`: in Redis, shared by router replicas (subscribing replicas mirror the events there).
     */
    index: z.enum(["events", "redis"]).default("events"),
    redis: z
      .strictObject({
        url: z.string().min(1),
        keyPrefix: z.string().default("tessera:kv:"),
        /** Bound on one lookup round trip; on timeout the scorer scores nothing. */
        timeoutMs: z.number().int().min(1).default(50),
      })
      .optional(),
    /** Consume the engines' KV event streams (GET /kv_events). Off for read-only replicas with `index: redis`. */
    subscribe: z.boolean().default(true),
    /** How often missing event subscriptions are (re)opened. */
    resubscribeMs: z.number().int().min(10).default(1_000),
  })
  .refine((p) => p.index !== "redis" || p.redis !== undefined, {
    message: "index: redis needs redis.url",
    path: ["redis"],
  });

type Params = z.output<typeof Params>;

export interface KvEvent {
  type?: string;
  block_hashes?: unknown;
}

/**
 * Block ownership per endpoint, fed by engine KV events (BlockStored / BlockRemoved /
 * AllBlocksCleared) after seeding from the engine's current block list (GET /kv_blocks). Its size is
 * bounded by the engines' own KV capacity: an entry exists only while an engine holds the block.
 */
export class KvBlockIndex {
  readonly #byEndpoint = new Map<string, Set<string>>();

  apply(endpointId: string, events: readonly KvEvent[]): void {
    let set = this.#byEndpoint.get(endpointId);
    for (const e of events) {
      if (e.type === "AllBlocksCleared") {
        set?.clear();
        continue;
      }
      if (!Array.isArray(e.block_hashes)) continue;
      if (e.type === "BlockStored") {
        if (set === undefined) {
          set = new Set();
          this.#byEndpoint.set(endpointId, set);
        }
        for (const h of e.block_hashes as unknown[]) if (typeof h === "string") set.add(h);
      } else if (e.type === "BlockRemoved" && set !== undefined) {
        for (const h of e.block_hashes as unknown[]) if (typeof h === "string") set.delete(h);
      }
    }
  }

  seed(endpointId: string, hashes: readonly string[]): void {
    this.#byEndpoint.set(endpointId, new Set(hashes));
  }

  forget(endpointId: string): void {
    this.#byEndpoint.delete(endpointId);
  }

  /** Number of leading hashes the endpoint holds. */
  matched(endpointId: string, hashes: readonly string[]): number {
    const set = this.#byEndpoint.get(endpointId);
    if (set === undefined) return 0;
    let m = 0;
    while (m < hashes.length && set.has(hashes[m] as string)) m++;
    return m;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#byEndpoint.values()) n += s.size;
    return n;
  }

  get endpoints(): number {
    return this.#byEndpoint.size;
  }
}

/** Exact chained block hashes of the request's prompt, as the engine computes them. */
export function requestBlockHashes(
  tokens: readonly number[],
  blockSize: number,
  maxBlocks: number,
  lora?: string,
): string[] {
  const n = Math.min(maxBlocks, Math.floor(tokens.length / blockSize));
  const out = new Array<string>(n);
  let parent = ROOT_BLOCK_HASH;
  for (let b = 0; b < n; b++) {
    parent = blockHash(parent, tokens, b * blockSize, (b + 1) * blockSize, lora);
    out[b] = parent;
  }
  return out;
}

/**
 * The prompt's leading token ids as the engine computes them, in process: at least `maxTokens`
 * (the ids the block hashes can use) or all of them. Uses the router's prompt token cache, so a
 * shared prefix is tokenised once per process and tenancy's token count of the same request is reused.
 */
export function localTokens(
  req: InferenceRequest,
  maxTokens: number,
  cache: PromptTokenCache = promptTokenCache,
): number[] {
  const body = req.body;
  if (Array.isArray(body.messages)) {
    return cache.tokens(
      applyChatTemplate(body.messages as ChatMessage[], {
        addGenerationPrompt: body.add_generation_prompt !== false,
      }),
      maxTokens,
    );
  }
  return typeof body.prompt === "string" ? cache.tokens(body.prompt, maxTokens) : [];
}

interface Subscription {
  readonly ac: AbortController;
}

/**
 * Precise prefix affinity: tokenises the prompt exactly as the engines do, computes the engines'
 * chained block hashes, and scores each endpoint by the fraction of leading blocks its engine
 * currently holds (from KV events): score = matched leading blocks / prompt blocks.
 */
export class KvCacheAwareScorer implements Scorer {
  readonly typedName: TypedName;
  readonly category = "affinity" as const;
  readonly index = new KvBlockIndex();
  /** Set when `index: redis`; then `index` stays empty. */
  readonly redis: RedisBlockIndex | null;
  readonly #p: Params;
  readonly #handle: PluginHandle;
  readonly #subs = new Map<string, Subscription>();
  readonly #unsupportedUntil = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(name: string, p: Params, handle: PluginHandle) {
    this.typedName = { type: KV_CACHE_AWARE_TYPE, name };
    this.#p = p;
    this.#handle = handle;
    this.redis =
      p.index === "redis" && p.redis !== undefined
        ? new RedisBlockIndex(p.redis, handle.logger)
        : null;
    if (p.subscribe) {
      this.#timer = setInterval(() => this.syncSubscriptions(), p.resubscribeMs);
      this.#timer.unref();
      queueMicrotask(() => this.syncSubscriptions());
    }
  }

  /** Tokens per KV block: the engines' block size, which the block hashes are chained over. */
  get blockSize(): number {
    return this.#p.blockSize;
  }

  /**
   * Applies one batch of an endpoint's KV events to whichever index this instance uses (in process
   * or Redis). The event subscriptions call it; so can a caller that receives the events another
   * way (the benchmark's discrete-event simulation delivers them in virtual time).
   */
  applyEvents(endpointId: string, events: readonly KvEvent[]): void {
    if (this.redis !== null) void this.redis.apply(endpointId, events);
    else this.index.apply(endpointId, events);
  }

  #seed(id: string, hashes: string[]): void {
    if (this.redis !== null) void this.redis.seed(id, hashes);
    else this.index.seed(id, hashes);
  }

  #forget(id: string): void {
    if (this.redis !== null) void this.redis.forget(id);
    else this.index.forget(id);
  }

  async #tokens(req: InferenceRequest, eps: readonly Endpoint[]): Promise<number[]> {
    if (this.#p.tokenizer === "engine" && eps.length > 0) {
      const ep = eps[Math.floor(this.#handle.random() * eps.length)] as Endpoint;
      const body = req.body;
      const payload = Array.isArray(body.messages)
        ? { model: req.targetModel, messages: body.messages }
        : { model: req.targetModel, prompt: body.prompt };
      try {
        const r = await this.#handle.http(ep.origin, {
          method: "POST",
          path: "/tokenize",
          body: JSON.stringify(payload),
          timeoutMs: this.#p.tokenizeTimeoutMs,
        });
        const text = await r.text();
        if (r.status === 200) {
          const t = (JSON.parse(text) as { tokens?: unknown }).tokens;
          if (Array.isArray(t)) return t as number[];
        }
      } catch {
        // fall through to the local tokenizer
      }
    }
    return localTokens(req, this.#p.maxBlocks * this.#p.blockSize);
  }

  async score(
    _cx: CycleContext,
    req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): Promise<void> {
    const tokens = await this.#tokens(req, eps);
    const hashes = requestBlockHashes(
      tokens,
      this.#p.blockSize,
      this.#p.maxBlocks,
      req.isLora ? req.targetModel : undefined,
    );
    if (hashes.length === 0) return;
    if (this.redis !== null) {
      const m = await this.redis.matched(
        eps.map((e) => e.id),
        hashes,
      );
      for (let i = 0; i < eps.length; i++) out[i] = (m[i] ?? 0) / hashes.length;
      return;
    }
    for (let i = 0; i < eps.length; i++)
      out[i] = this.index.matched((eps[i] as Endpoint).id, hashes) / hashes.length;
  }

  /** Opens an event subscription for every known endpoint that has none. */
  syncSubscriptions(): void {
    if (this.#closed) return;
    const now = this.#handle.now();
    const seen = new Set<string>();
    for (const ep of this.#handle.endpoints()) {
      seen.add(ep.id);
      if (this.#subs.has(ep.id) || (this.#unsupportedUntil.get(ep.id) ?? 0) > now) continue;
      const sub: Subscription = { ac: new AbortController() };
      this.#subs.set(ep.id, sub);
      void this.#subscribe(ep, sub);
    }
    for (const [id, sub] of this.#subs) {
      if (!seen.has(id)) this.endpointRemoved(id);
      void sub;
    }
  }

  async #subscribe(ep: Endpoint, sub: Subscription): Promise<void> {
    try {
      const r = await this.#handle.http(ep.origin, {
        method: "GET",
        path: "/kv_events",
        timeoutMs: 2_000,
        signal: sub.ac.signal,
      });
      if (r.status !== 200) {
        await r.text().catch(() => "");
        this.#unsupportedUntil.set(ep.id, this.#handle.now() + 30_000);
        return;
      }
      // Seed after the stream is open so no event falls between snapshot and stream.
      try {
        const snap = await this.#handle.http(ep.origin, {
          method: "GET",
          path: "/kv_blocks",
          timeoutMs: 2_000,
          signal: sub.ac.signal,
        });
        const body = JSON.parse(await snap.text()) as { block_hashes?: unknown };
        if (snap.status === 200 && Array.isArray(body.block_hashes))
          this.#seed(
            ep.id,
            body.block_hashes.filter((h): h is string => typeof h === "string"),
          );
      } catch {
        // no snapshot: the index fills from events
      }
      let carry = "";
      for await (const chunk of r.body) {
        carry += chunk.toString("utf8");
        let nl = carry.indexOf("\n");
        while (nl !== -1) {
          const line = carry.slice(0, nl);
          carry = carry.slice(nl + 1);
          if (line.trim() !== "") {
            try {
              const batch = JSON.parse(line) as { events?: unknown };
              if (Array.isArray(batch.events)) this.applyEvents(ep.id, batch.events as KvEvent[]);
            } catch {
              // skip a malformed line
            }
          }
          nl = carry.indexOf("\n");
        }
      }
    } catch {
      // connection lost: resubscribe on the next tick
    } finally {
      if (this.#subs.get(ep.id) === sub) {
        this.#subs.delete(ep.id);
        // Without a live stream the index for this endpoint can only go stale.
        if (!this.#closed) this.#forget(ep.id);
      }
    }
  }

  endpointRemoved(id: string): void {
    const sub = this.#subs.get(id);
    this.#subs.delete(id);
    sub?.ac.abort();
    if (sub !== undefined || this.redis === null) this.#forget(id);
    this.#unsupportedUntil.delete(id);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    // Stop our streams without erasing what a shared index knows (other replicas still use it).
    for (const sub of this.#subs.values()) sub.ac.abort();
    this.#subs.clear();
    this.redis?.close();
  }

  stats(): Record<string, number | string> {
    return {
      index: this.#p.index,
      subscriptions: this.#subs.size,
      endpoints: this.index.endpoints,
      blocks: this.index.size,
      redisErrors: this.redis?.errors ?? 0,
    };
  }
}

export const kvCacheAwareFactory: PluginFactory = (name, raw, handle) =>
  new KvCacheAwareScorer(name, parseParams(Params, KV_CACHE_AWARE_TYPE, name, raw), handle);
