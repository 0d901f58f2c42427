// Fair admission queue per model. While a model has fewer than `capacity` requests in flight,
// requests pass straight through. Beyond that they wait; when a slot frees, the next request is
// taken from the highest priority class present, and within it from the tenant with the lowest
// weighted token usage over a sliding window (virtual token counter: Σ tokens / weight, decayed by
// dropping usage older than the window). A waiter gives up after `timeoutMs` (queue_timeout) or when
// the client disconnects (its signal aborts); neither leaves a slot or a queue entry behind.

export interface FairQueueOptions {
  /** Requests in flight per model before queueing starts. */
  capacity: number;
  /** Longest wait in the queue. */
  timeoutMs: number;
  /** Window of the weighted usage counters. */
  windowMs?: number;
  now?: () => number;
}

export interface Ticket {
  /** Give the slot back (idempotent); `tokens` is the request's usage, charged to its tenant. */
  done(tokens: number): void;
}

interface Waiter {
  tenant: string;
  weight: number;
  priority: number;
  seq: number;
  grant: (t: Ticket) => void;
  fail: (e: Error) => void;
}

export class QueueTimeoutError extends Error {
  override readonly name = "QueueTimeoutError";
}
export class QueueAbortedError extends Error {
  override readonly name = "QueueAbortedError";
}

class ModelQueue {
  inFlight = 0;
  readonly waiters: Waiter[] = [];
}

export class FairQueue {
  readonly #opts: FairQueueOptions;
  readonly #models = new Map<string, ModelQueue>();
  /** tenant → [(t, tokens)] within the window. */
  readonly #usage = new Map<string, { t: number; n: number }[]>();
  #seq = 0;

  constructor(opts: FairQueueOptions) {
    this.#opts = opts;
  }

  #now(): number {
    return this.#opts.now?.() ?? Date.now();
  }

  /** Weighted usage of a tenant over the window (tokens / weight). */
  virtualUsage(tenant: string, weight: number): number {
    const list = this.#usage.get(tenant);
    if (list === undefined) return 0;
    const lo = this.#now() - (this.#opts.windowMs ?? 60_000);
    while (list.length > 0 && (list[0] as { t: number }).t < lo) list.shift();
    let s = 0;
    for (const e of list) s += e.n;
    return s / weight;
  }

  queued(model: string): number {
    return this.#models.get(model)?.waiters.length ?? 0;
  }

  inFlight(model: string): number {
    return this.#models.get(model)?.inFlight ?? 0;
  }

  acquire(
    model: string,
    tenant: string,
    weight: number,
    priority: number,
    signal?: AbortSignal,
  ): Promise<Ticket> {
    let q = this.#models.get(model);
    if (q === undefined) this.#models.set(model, (q = new ModelQueue()));
    const mq = q;
    if (mq.inFlight < this.#opts.capacity && mq.waiters.length === 0) {
      mq.inFlight++;
      return Promise.resolve(this.#ticket(mq, model, tenant));
    }
    return new Promise<Ticket>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const i = mq.waiters.indexOf(w);
        if (i >= 0) mq.waiters.splice(i, 1);
      };
      const w: Waiter = {
        tenant,
        weight,
        priority,
        seq: this.#seq++,
        grant: (t) => {
          cleanup();
          resolve(t);
        },
        fail: (e) => {
          cleanup();
          reject(e);
        },
      };
      const onAbort = () => w.fail(new QueueAbortedError("client disconnected while queued"));
      const timer = setTimeout(
        () => w.fail(new QueueTimeoutError(`queued longer than ${this.#opts.timeoutMs} ms`)),
        this.#opts.timeoutMs,
      );
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      mq.waiters.push(w);
    });
  }

  #ticket(mq: ModelQueue, model: string, tenant: string): Ticket {
    let done = false;
    return {
      done: (tokens: number) => {
        if (done) return;
        done = true;
        if (tokens > 0) {
          let l = this.#usage.get(tenant);
          if (l === undefined) this.#usage.set(tenant, (l = []));
          l.push({ t: this.#now(), n: tokens });
        }
        mq.inFlight--;
        this.#next(mq, model);
      },
    };
  }

  #next(mq: ModelQueue, model: string): void {
    while (mq.inFlight < this.#opts.capacity && mq.waiters.length > 0) {
      let best: Waiter | null = null;
      let bestV = 0;
      for (const w of mq.waiters) {
        const v = this.virtualUsage(w.tenant, w.weight);
        if (
          best === null ||
          w.priority > best.priority ||
          (w.priority === best.priority && (v < bestV || (v === bestV && w.seq < best.seq)))
        ) {
          best = w;
          bestV = v;
        }
      }
      const w = best as Waiter;
      mq.inFlight++;
      w.grant(this.#ticket(mq, model, w.tenant));
    }
  }
}
