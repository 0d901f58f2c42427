// Capped exponential backoff with jitter ("full jitter" on the upper half), shared by informer
// restarts, the work queue's per-key requeue and leader-election retries.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0 = none, 0.5 = the delay is uniformly drawn from [d/2, d]. */
  jitter?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt));
  const jitter = o.jitter ?? 0;
  if (jitter <= 0) return exp;
  const r = (o.random ?? Math.random)();
  return Math.round(exp * (1 - jitter + jitter * r));
}

/** Tracks attempts for one thing (an informer, a key) and hands out the next delay. */
export class Backoff {
  private attempt = 0;
  private readonly opts: BackoffOptions;
  constructor(opts: BackoffOptions) {
    this.opts = opts;
  }
  next(): number {
    return backoffDelay(this.attempt++, this.opts);
  }
  reset(): void {
    this.attempt = 0;
  }
  get attempts(): number {
    return this.attempt;
  }
}
