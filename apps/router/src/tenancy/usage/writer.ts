// Usage records → Redis Stream (XADD <stream> * event <json>), the format apps/api's consumer
// (services/usage-stream.ts) reads at least once and ingests idempotently by requestId. Records are
// batched (flushMs); a batch Redis does not take is appended to a local spool file (JSON lines) and
// replayed, oldest first, once Redis answers again, so nothing is lost across Redis outages or
// router restarts (close() flushes or spools what is pending; start() replays an existing spool).
// Replays may duplicate entries: the consumer is idempotent by requestId.
import { appendFile, readFile, rename, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import type { Redis } from "ioredis";
import type { Credential } from "../../framework/request-control.ts";

/**
 * One usage event, the shape of apps/api's RouterUsageEventSchema (services/usage-event.ts).
 * `apiKeyId` repeats an API key credential's id for APIs older than `credential`; JWT callers
 * have none (older APIs rejected their "jwt:<sub>" ids anyway).
 */
export interface UsageEvent {
  /** The router's id for the request, the API's idempotency key; the spool keeps it for replays. */
  requestId: string;
  /** The client's x-request-id, if it sent one (clients may reuse it, so it keys nothing). */
  clientRequestId?: string;
  tenant: string;
  credential: Credential;
  apiKeyId?: string;
  /** Requested model (what the tenant buys). */
  model: string;
  /** Model sent to the engine after the ModelRoute/ModelServer rewrite (absent: never routed). */
  servedModel?: string;
  cluster?: string;
  modelServer?: string;
  endpoint?: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  ttftMs?: number;
  durationMs: number;
  statusCode: number;
  /** When the request arrived (ISO 8601); it ended durationMs later. */
  occurredAt: string;
}

export interface UsageWriterOptions {
  redis: Redis | null;
  stream?: string;
  /** Approximate MAXLEN for the stream (default 1,000,000). */
  maxLen?: number;
  spoolPath: string;
  flushMs?: number;
  onError?(err: unknown): void;
  onSpooled?(n: number): void;
}

export class UsageStreamWriter {
  readonly stream: string;
  readonly #redis: Redis | null;
  readonly #maxLen: string;
  readonly #spool: string;
  readonly #opts: UsageWriterOptions;
  #buf: UsageEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #chain: Promise<void> = Promise.resolve();
  written = 0;
  spooled = 0;

  constructor(opts: UsageWriterOptions) {
    this.#opts = opts;
    this.#redis = opts.redis;
    this.stream = opts.stream ?? "tessera:usage";
    this.#maxLen = String(opts.maxLen ?? 1_000_000);
    this.#spool = opts.spoolPath;
  }

  push(ev: UsageEvent): void {
    this.#buf.push(ev);
    if (this.#buf.length >= 256) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#opts.flushMs ?? 50);
  }

  /** Writes everything pending (to Redis, else to the spool); serialised. */
  flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const batch = this.#buf;
    this.#buf = [];
    this.#chain = this.#chain.then(() => this.#write(batch));
    return this.#chain;
  }

  async #xadd(lines: readonly string[]): Promise<void> {
    const r = this.#redis;
    if (r === null || r.status !== "ready") throw new Error("usage redis not ready");
    const p = r.pipeline();
    for (const l of lines) p.xadd(this.stream, "MAXLEN", "~", this.#maxLen, "*", "event", l);
    const res = await p.exec();
    for (const [err] of res ?? []) if (err !== null) throw err;
  }

  async #write(batch: UsageEvent[]): Promise<void> {
    if (batch.length > 0) {
      const lines = batch.map((e) => JSON.stringify(e));
      try {
        await this.#xadd(lines);
        this.written += lines.length;
      } catch (err) {
        this.#opts.onError?.(err);
        await appendFile(this.#spool, `${lines.join("\n")}\n`);
        this.spooled += lines.length;
        this.#opts.onSpooled?.(lines.length);
        return;
      }
    }
    await this.#replay();
  }

  /** Moves the spool into the stream if Redis takes it; a failed replay keeps the file. */
  async #replay(): Promise<void> {
    if (!existsSync(this.#spool) || this.#redis?.status !== "ready") return;
    const work = `${this.#spool}.replay`;
    if (!existsSync(work)) await rename(this.#spool, work);
    const lines = (await readFile(work, "utf8")).split("\n").filter((l) => l !== "");
    try {
      for (let i = 0; i < lines.length; i += 500) await this.#xadd(lines.slice(i, i + 500));
      this.written += lines.length;
      await rm(work);
    } catch (err) {
      this.#opts.onError?.(err);
    }
  }

  /** Replays a spool left by a previous run (call once at start). */
  start(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#replay());
    return this.#chain;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
