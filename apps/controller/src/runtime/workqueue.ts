// A controller work queue: keys (namespace/name) are de-duplicated while waiting, a key being
// processed is never handed to a second worker (it is re-queued once when it is done, if it changed
// meanwhile), and failures are re-queued with per-key exponential backoff.
import { backoffDelay } from "./backoff.ts";

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  onDepth?: (depth: number) => void;
  /** Seconds a key waited between being added and being handed to a worker. */
  onLatency?: (seconds: number) => void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly opts: Required<Pick<WorkQueueOptions, "baseDelayMs" | "maxDelayMs" | "now">> &
    WorkQueueOptions;

  constructor(opts: WorkQueueOptions = {}) {
    this.opts = { baseDelayMs: 100, maxDelayMs: 60_000, now: () => performance.now(), ...opts };
  }

  get length(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.addedAt.has(key)) this.addedAt.set(key, this.opts.now());
    if (this.processing.has(key)) return; // handed out again by done()
    const waiter = this.waiters.shift();
    if (waiter) this.handOut(key, waiter);
    else {
      this.queue.push(key);
      this.opts.onDepth?.(this.queue.length);
    }
  }

  /** Adds the key after a delay; an earlier pending delayed add for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    if (this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    t.unref();
    this.timers.set(key, t);
  }

  /** Re-queues a failed key with exponential backoff (per key). */
  addRateLimited(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = backoffDelay(n, { baseMs: this.opts.baseDelayMs, maxMs: this.opts.maxDelayMs });
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears a key's failure history (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  private handOut(key: string, to: (key: string | undefined) => void): void {
    this.dirty.delete(key);
    this.processing.add(key);
    const at = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (at !== undefined) this.opts.onLatency?.((this.opts.now() - at) / 1000);
    to(key);
  }

  /** The next key to process; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const key = this.queue.shift();
      if (key !== undefined) {
        this.opts.onDepth?.(this.queue.length);
        this.handOut(key, resolve);
      } else this.waiters.push(resolve);
    });
  }

  /** Must be called once per get(); re-queues the key if it was added while being processed. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  isProcessing(key: string): boolean {
    return this.processing.has(key);
  }

  shutdown(): void {
    this.shuttingDown = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Resolves when no key is being processed (for graceful shutdown). */
  async drain(pollMs = 20): Promise<void> {
    while (this.processing.size > 0) await new Promise((r) => setTimeout(r, pollMs));
  }
}
