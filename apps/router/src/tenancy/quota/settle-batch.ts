// Settles (ADJUST_LUA) are not on any request's latency path, so the Redis store batches them.
// Adjustments from every request are summed per line (a sliding key's bucket, a calendar counter;
// a concurrency slot stays one line per request id) and sent every flushMs, or at once when
// maxLines distinct lines wait, as one pipeline with one EVALSHA per hash tag, so a batch never
// spans Redis Cluster slots. Under load N settles and streamed progress charges of one tenant
// become one command per flush instead of one each. close() (the store's) flushes what waits.
import type { Held, OpType } from "./windows.ts";

/** One adjusted line of a batch: the sum of every delta added for it since the last flush. */
export interface SettleLine {
  readonly key: string;
  readonly type: OpType;
  readonly bucket: number;
  readonly id: string;
  delta: number;
}

export interface SettleBatchOptions {
  /** ms a settle may wait for others (0: every add() is sent at once). */
  readonly flushMs: number;
  /** Distinct lines that trigger a flush before flushMs (bounds the buffer). */
  readonly maxLines: number;
  /** Sends one batch, one group per hash tag; rejects when any part failed. */
  send(groups: readonly (readonly SettleLine[])[]): Promise<void>;
}

/** Redis Cluster's slot rule: the first non-empty `{…}` of the key, else the whole key. */
export function hashTag(key: string): string {
  const i = key.indexOf("{");
  if (i >= 0) {
    const j = key.indexOf("}", i + 1);
    if (j > i + 1) return key.slice(i + 1, j);
  }
  return key;
}

export class SettleBatch {
  readonly #opts: SettleBatchOptions;
  #groups = new Map<string, Map<string, SettleLine>>();
  #lines = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Settled when the batch being filled has been applied (or has failed). */
  #waiting: PromiseWithResolvers<void> | null = null;
  /** Every flush still in flight: close() waits for them. */
  readonly #inFlight = new Set<Promise<void>>();
  /** Batches sent and lines sent (tests, metrics). */
  batches = 0;
  lines = 0;

  constructor(opts: SettleBatchOptions) {
    this.#opts = opts;
  }

  /** Lines waiting for the next flush. */
  get pending(): number {
    return this.#lines;
  }

  /**
   * Queues `deltas[i]` for `held[i]`. Resolves once the batch carrying them is applied, rejects if
   * it failed (the adjustment is then dropped, never retried: no line is ever applied twice).
   */
  add(held: readonly Held[], deltas: readonly number[]): Promise<void> {
    let added = false;
    for (let i = 0; i < held.length; i++) {
      const h = held[i] as Held;
      const d = deltas[i] ?? 0;
      // The script ignores these too: a zero change, or a concurrency line that is not a release.
      if (d === 0 || (h.type === "q" && d > 0)) continue;
      const tag = hashTag(h.key);
      let g = this.#groups.get(tag);
      if (g === undefined) this.#groups.set(tag, (g = new Map<string, SettleLine>()));
      const lk =
        h.type === "s" ? `${h.key}\n${h.bucket}` : h.type === "q" ? `${h.key}\n${h.id}` : h.key;
      const line = g.get(lk);
      if (line !== undefined) line.delta += d;
      else {
        g.set(lk, { key: h.key, type: h.type, bucket: h.bucket, id: h.id, delta: d });
        this.#lines++;
      }
      added = true;
    }
    if (!added) return Promise.resolve();
    let w = this.#waiting;
    if (w === null) {
      w = this.#waiting = Promise.withResolvers<void>();
      // A failed batch must not crash the router; callers see the rejection on what add() returned.
      w.promise.catch(() => {});
    }
    if (this.#opts.flushMs <= 0 || this.#lines >= this.#opts.maxLines) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#opts.flushMs);
    return w.promise;
  }

  /** Sends what waits now; resolves when every flush so far has finished (failures included). */
  flush(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const w = this.#waiting;
    if (w !== null) {
      const groups: SettleLine[][] = [];
      for (const g of this.#groups.values()) {
        const lines: SettleLine[] = [];
        // Deltas of one line can cancel out (a progress charge, then the final settle below it).
        for (const l of g.values()) if (l.delta !== 0) lines.push(l);
        if (lines.length > 0) groups.push(lines);
        this.lines += lines.length;
      }
      this.#groups = new Map();
      this.#lines = 0;
      this.#waiting = null;
      this.batches++;
      const sent = groups.length > 0 ? this.#opts.send(groups) : Promise.resolve();
      const done = sent.then(w.resolve, w.reject);
      this.#inFlight.add(done);
      void done.finally(() => this.#inFlight.delete(done));
    }
    return Promise.all(this.#inFlight).then(() => undefined);
  }
}
