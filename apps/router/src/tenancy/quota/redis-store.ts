// QuotaStore over Redis: one EVALSHA per check (RESERVE_LUA); settles (ADJUST_LUA) are batched
// (settle-batch.ts): summed per line and sent every few ms as one EVALSHA per hash tag. Every key
// of one tenant shares a hash tag ({tenant}) so a request's limits live in one Redis Cluster slot.
import { Redis } from "ioredis";
import type { ChainableCommander } from "ioredis";
import { ADJUST_LUA, RESERVE_LUA } from "./lua.ts";
import { SettleBatch } from "./settle-batch.ts";
import type { SettleLine } from "./settle-batch.ts";
import type { QuotaStore, ReserveResult } from "./store.ts";
import type { Held, LimitOp } from "./windows.ts";

interface ScriptClient extends Redis {
  tesseraReserve(keys: number, ...args: (string | number)[]): Promise<unknown>;
  tesseraAdjust(keys: number, ...args: (string | number)[]): Promise<unknown>;
}

interface ScriptPipeline extends ChainableCommander {
  tesseraAdjust(keys: number, ...args: (string | number)[]): ScriptPipeline;
}

export interface RedisStoreOptions {
  /** ms before a Redis call counts as failed (the limiter then applies fail-open/closed). */
  commandTimeoutMs?: number;
  /**
   * ms a settle waits to share one Redis call with others (default 2; 0: sent at once). It only
   * delays when this router's own adjustments reach Redis, never a request.
   */
  settleFlushMs?: number;
  /** Distinct settle lines that flush at once (default 1024): bounds the buffer. */
  settleMaxLines?: number;
}

export class RedisStore implements QuotaStore {
  readonly name = "redis";
  readonly client: ScriptClient;
  readonly settles: SettleBatch;

  constructor(urlOrClient: string | Redis, opts: RedisStoreOptions = {}) {
    const c =
      typeof urlOrClient === "string"
        ? new Redis(urlOrClient, {
            lazyConnect: false,
            maxRetriesPerRequest: 0,
            enableOfflineQueue: false,
            commandTimeout: opts.commandTimeoutMs ?? 250,
          })
        : urlOrClient;
    c.on("error", () => {}); // reconnects by itself; failures surface per call
    c.defineCommand("tesseraReserve", { lua: RESERVE_LUA });
    c.defineCommand("tesseraAdjust", { lua: ADJUST_LUA });
    this.client = c as ScriptClient;
    this.settles = new SettleBatch({
      flushMs: opts.settleFlushMs ?? 2,
      maxLines: opts.settleMaxLines ?? 1024,
      send: (groups) => this.#sendSettles(groups),
    });
  }

  /** Resolves once connected (commands fail fast, not queue, while Redis is unreachable). */
  ready(): Promise<void> {
    if (this.client.status === "ready") return Promise.resolve();
    return new Promise((resolve) => this.client.once("ready", () => resolve()));
  }

  async reserve(now: number, ops: readonly LimitOp[]): Promise<ReserveResult> {
    const n = ops.length;
    const args = new Array<string | number>(n * 7 + 1);
    args[n] = now;
    for (let i = 0; i < n; i++) {
      const op = ops[i] as LimitOp;
      const b = n + 1 + i * 6;
      args[i] = op.key;
      args[b] = op.type;
      args[b + 1] = op.limit;
      args[b + 2] = op.cost;
      args[b + 3] = op.p1;
      args[b + 4] = op.p2;
      args[b + 5] = op.id;
    }
    const r = (await this.client.tesseraReserve(n, ...args)) as [number, number, number, number[]];
    return { ok: r[0] === 1, denied: r[1], retryAfterMs: r[2], remaining: r[3] };
  }

  /** Queued for the next settle batch; resolves when that batch is applied, rejects if it failed. */
  adjust(held: readonly Held[], deltas: readonly number[]): Promise<void> {
    return this.settles.add(held, deltas);
  }

  async #sendSettles(groups: readonly (readonly SettleLine[])[]): Promise<void> {
    const pipe = this.client.pipeline() as ScriptPipeline;
    for (const lines of groups) {
      const n = lines.length;
      const args = new Array<string | number>(n * 5);
      for (let i = 0; i < n; i++) {
        const l = lines[i] as SettleLine;
        const b = n + i * 4;
        args[i] = l.key;
        args[b] = l.type;
        args[b + 1] = l.bucket;
        args[b + 2] = l.delta;
        args[b + 3] = l.id;
      }
      pipe.tesseraAdjust(n, ...args);
    }
    const res = await pipe.exec();
    for (const [err] of res ?? []) if (err !== null) throw err;
  }

  /** Sends the pending settles, then disconnects. */
  async close(): Promise<void> {
    await this.settles.flush();
    this.client.disconnect();
  }
}
