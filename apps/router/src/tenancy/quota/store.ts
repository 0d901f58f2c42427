// The quota store interface and its per-process implementation. Both implement exactly the same
// semantics as the Redis Lua scripts (see lua.ts): all-or-nothing check-and-reserve over a list of
// limits, and adjust (settle / release) of previously reserved amounts.
import type { Held, LimitOp } from "./windows.ts";

export interface ReserveResult {
  readonly ok: boolean;
  /** Index of the first limit that denied (ok = false), else -1. */
  readonly denied: number;
  /** ms until the denied limit could admit this cost (0 when ok). */
  readonly retryAfterMs: number;
  /** Per op: limit − used after the reservation (or before, when denied). */
  readonly remaining: readonly number[];
}

export interface QuotaStore {
  readonly name: string;
  reserve(now: number, ops: readonly LimitOp[]): Promise<ReserveResult>;
  /** Add `delta[i]` to held[i] (negative releases); q lines with delta < 0 free the slot. */
  adjust(held: readonly Held[], deltas: readonly number[]): Promise<void>;
  close?(): Promise<void>;
}

interface SlidingState {
  buckets: Map<number, number>;
  sum: number;
  tail: number;
}

export class MemoryStore implements QuotaStore {
  readonly name = "memory";
  readonly #sliding = new Map<string, SlidingState>();
  readonly #counters = new Map<string, { v: number; end: number }>();
  readonly #leases = new Map<string, Map<string, number>>();

  reserve(now: number, ops: readonly LimitOp[]): Promise<ReserveResult> {
    return Promise.resolve(this.reserveSync(now, ops));
  }

  reserveSync(now: number, ops: readonly LimitOp[]): ReserveResult {
    const remaining: number[] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as LimitOp;
      const used = this.#used(now, op);
      remaining.push(op.limit - used);
      if (used + op.cost > op.limit)
        return { ok: false, denied: i, retryAfterMs: this.#retry(now, op, used), remaining };
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as LimitOp;
      remaining[i] = (remaining[i] as number) - op.cost;
      if (op.type === "s") {
        const st = this.#sliding.get(op.key) as SlidingState;
        const b = Math.floor(now / op.p1);
        st.buckets.set(b, (st.buckets.get(b) ?? 0) + op.cost);
        st.sum += op.cost;
      } else if (op.type === "c") {
        const c = this.#counters.get(op.key) ?? { v: 0, end: op.p1 };
        c.v += op.cost;
        this.#counters.set(op.key, c);
      } else {
        let m = this.#leases.get(op.key);
        if (m === undefined) this.#leases.set(op.key, (m = new Map<string, number>()));
        m.set(op.id, now + op.p1);
      }
    }
    return { ok: true, denied: -1, retryAfterMs: 0, remaining };
  }

  #used(now: number, op: LimitOp): number {
    if (op.type === "s") {
      let st = this.#sliding.get(op.key);
      const lo = Math.floor(now / op.p1) - op.p2 + 1;
      if (st === undefined)
        this.#sliding.set(op.key, (st = { buckets: new Map(), sum: 0, tail: lo }));
      if (st.tail < lo) {
        for (const [b, v] of st.buckets)
          if (b < lo) {
            st.sum -= v;
            st.buckets.delete(b);
          }
        st.tail = lo;
      }
      return st.sum;
    }
    if (op.type === "c") {
      const c = this.#counters.get(op.key);
      if (c !== undefined && c.end <= now) {
        this.#counters.delete(op.key);
        return 0;
      }
      return c?.v ?? 0;
    }
    const m = this.#leases.get(op.key);
    if (m === undefined) return 0;
    for (const [id, exp] of m) if (exp <= now) m.delete(id);
    return m.size;
  }

  #retry(now: number, op: LimitOp, used: number): number {
    if (op.type === "c") return Math.max(1, op.p1 - now);
    if (op.type === "q") return 1000;
    const st = this.#sliding.get(op.key) as SlidingState;
    const need = used + op.cost - op.limit;
    const keys = [...st.buckets.keys()].sort((a, b) => a - b);
    let acc = 0;
    for (const b of keys) {
      acc += st.buckets.get(b) as number;
      if (acc >= need) return Math.max(1, (b + op.p2) * op.p1 - now);
    }
    return op.p1 * op.p2;
  }

  adjust(held: readonly Held[], deltas: readonly number[]): Promise<void> {
    this.adjustSync(held, deltas);
    return Promise.resolve();
  }

  adjustSync(held: readonly Held[], deltas: readonly number[]): void {
    for (let i = 0; i < held.length; i++) {
      const h = held[i] as Held;
      const d = deltas[i] ?? 0;
      if (h.type === "s") {
        const st = this.#sliding.get(h.key);
        if (st === undefined || h.bucket < st.tail || d === 0) continue;
        st.buckets.set(h.bucket, (st.buckets.get(h.bucket) ?? 0) + d);
        st.sum += d;
      } else if (h.type === "c") {
        const c = this.#counters.get(h.key);
        if (c !== undefined) c.v += d;
      } else if (d < 0) {
        this.#leases.get(h.key)?.delete(h.id);
      }
    }
  }

  /** Total currently held in a sliding key (tests, leak checks). */
  slidingSum(key: string): number {
    return this.#sliding.get(key)?.sum ?? 0;
  }

  inFlight(key: string): number {
    return this.#leases.get(key)?.size ?? 0;
  }
}
