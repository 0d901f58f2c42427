// QuotaStore over Redis: one EVALSHA per check (RESERVE_LUA) and per settle (ADJUST_LUA). Every key
// of one tenant shares a hash tag ({tenant}) so a request's limits live in one Redis Cluster slot.
import { Redis } from "ioredis";
import { ADJUST_LUA, RESERVE_LUA } from "./lua.ts";
import type { QuotaStore, ReserveResult } from "./store.ts";
import type { Held, LimitOp } from "./windows.ts";

interface ScriptClient extends Redis {
  tesseraReserve(keys: number, ...args: (string | number)[]): Promise<unknown>;
  tesseraAdjust(keys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** ms before a Redis call counts as failed (the limiter then applies fail-open/closed). */
  commandTimeoutMs?: number;
}

export class RedisStore implements QuotaStore {
  readonly name = "redis";
  readonly client: ScriptClient;

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
  }

  /** Resolves once connected (commands fail fast, not queue, while Redis is unreachable). */
  ready(): Promise<void> {
    if (this.client.status === "ready") return Promise.resolve();
    return new Promise((resolve) => this.client.once("ready", () => resolve()));
  }

  async reserve(now: number, ops: readonly LimitOp[]): Promise<ReserveResult> {
    const args: (string | number)[] = [];
    for (const op of ops) args.push(op.key);
    args.push(now);
    for (const op of ops) args.push(op.type, op.limit, op.cost, op.p1, op.p2, op.id);
    const r = (await this.client.tesseraReserve(ops.length, ...args)) as [
      number,
      number,
      number,
      number[],
    ];
    return { ok: r[0] === 1, denied: r[1], retryAfterMs: r[2], remaining: r[3] };
  }

  async adjust(held: readonly Held[], deltas: readonly number[]): Promise<void> {
    if (held.length === 0) return;
    const args: (string | number)[] = [];
    for (const h of held) args.push(h.key);
    held.forEach((h, i) => args.push(h.type, h.bucket, deltas[i] ?? 0, h.id));
    await this.client.tesseraAdjust(held.length, ...args);
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}
