// A KV block index in Redis, shared by router replicas. Replicas that subscribe to the engines' KV
// event streams mirror them here; every replica reads it. So N replicas need not each hold N event
// streams per engine: a few writers suffice, and a replica that just started scores precisely at once.
//
// Keys (prefix configurable, default "tessera:kv:"):
//   <prefix>b:<blockHash>   SET of endpoint ids whose engine holds the block
//   <prefix>e:<endpointId>  SET of block hashes the endpoint holds (for clears and removals)
// Lookups are one pipelined round trip (SMEMBERS per leading block) bounded by a command timeout;
// on any Redis error the lookup scores nothing rather than delaying the request.
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { KvEvent } from "./index.ts";

export interface RedisIndexOptions {
  url: string;
  keyPrefix: string;
  timeoutMs: number;
}

export class RedisBlockIndex {
  readonly #redis: Redis;
  readonly #b: string;
  readonly #e: string;
  readonly #log: Logger;
  #lastErrorLog = 0;
  errors = 0;

  constructor(o: RedisIndexOptions, log: Logger) {
    this.#redis = new Redis(o.url, {
      commandTimeout: o.timeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (n) => Math.min(2_000, 50 * 2 ** Math.min(n, 6)),
    });
    this.#b = `${o.keyPrefix}b:`;
    this.#e = `${o.keyPrefix}e:`;
    this.#log = log;
    this.#redis.on("error", (err: Error) => this.#error(err));
  }

  #error(err: unknown): void {
    this.errors++;
    const now = Date.now();
    if (now - this.#lastErrorLog > 10_000) {
      this.#lastErrorLog = now;
      this.#log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "kv-cache-aware: redis index error",
      );
    }
  }

  /** Resolves once connected (tests, startup). */
  async ready(): Promise<void> {
    if (this.#redis.status === "ready") return;
    await new Promise<void>((resolve) => this.#redis.once("ready", () => resolve()));
  }

  async apply(endpointId: string, events: readonly KvEvent[]): Promise<void> {
    const p = this.#redis.pipeline();
    let clear = false;
    for (const e of events) {
      if (e.type === "AllBlocksCleared") {
        clear = true;
        continue;
      }
      if (!Array.isArray(e.block_hashes)) continue;
      const hashes = (e.block_hashes as unknown[]).filter(
        (h): h is string => typeof h === "string",
      );
      if (hashes.length === 0) continue;
      if (e.type === "BlockStored") {
        for (const h of hashes) p.sadd(this.#b + h, endpointId);
        p.sadd(this.#e + endpointId, ...hashes);
      } else if (e.type === "BlockRemoved") {
        for (const h of hashes) p.srem(this.#b + h, endpointId);
        p.srem(this.#e + endpointId, ...hashes);
      }
    }
    try {
      if (clear) await this.forget(endpointId);
      if (p.length > 0) await p.exec();
    } catch (err) {
      this.#error(err);
    }
  }

  async seed(endpointId: string, hashes: readonly string[]): Promise<void> {
    try {
      await this.forget(endpointId);
      if (hashes.length === 0) return;
      const p = this.#redis.pipeline();
      for (const h of hashes) p.sadd(this.#b + h, endpointId);
      p.sadd(this.#e + endpointId, ...hashes);
      await p.exec();
    } catch (err) {
      this.#error(err);
    }
  }

  async forget(endpointId: string): Promise<void> {
    try {
      const held = await this.#redis.smembers(this.#e + endpointId);
      const p = this.#redis.pipeline();
      for (const h of held) p.srem(this.#b + h, endpointId);
      p.del(this.#e + endpointId);
      await p.exec();
    } catch (err) {
      this.#error(err);
    }
  }

  /** For each endpoint id, the number of leading `hashes` it holds (zeros on error). */
  async matched(endpointIds: readonly string[], hashes: readonly string[]): Promise<number[]> {
    const out = new Array<number>(endpointIds.length).fill(0);
    if (hashes.length === 0 || endpointIds.length === 0) return out;
    try {
      const p = this.#redis.pipeline();
      for (const h of hashes) p.smembers(this.#b + h);
      const res = (await p.exec()) ?? [];
      const alive = new Set(endpointIds.map((_, i) => i));
      for (let b = 0; b < res.length && alive.size > 0; b++) {
        const [err, members] = res[b] ?? [null, []];
        if (err !== null) throw err;
        const holders = new Set(members as string[]);
        for (const i of [...alive]) {
          if (holders.has(endpointIds[i] as string)) out[i] = (out[i] as number) + 1;
          else alive.delete(i);
        }
      }
    } catch (err) {
      this.#error(err);
      out.fill(0);
    }
    return out;
  }

  close(): void {
    this.#redis.disconnect();
  }
}
