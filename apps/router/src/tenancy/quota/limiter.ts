// Reserve-then-settle over a QuotaStore. At admission: reserve prompt tokens + an output
// reservation (min(max_tokens, outputReserve)) against every limit that applies, all or nothing.
// During a stream: settle(partial) charges output as it is produced. At the end: settle(final)
// moves every line to the actual usage; release() (abort before usage is known) charges only what
// was already observed, so no reservation outlives its request.
import { MemoryStore } from "./store.ts";
import type { QuotaStore, ReserveResult } from "./store.ts";
import type { Held, LimitOp } from "./windows.ts";
import { heldFor } from "./windows.ts";

/** What a request has consumed so far (or in total). */
export interface TokenUsage {
  readonly input: number;
  readonly output: number;
}

/** Which usage dimension a limit line counts. */
export type Dimension = "input" | "output" | "total" | "requests" | "concurrent";

export interface PlannedOp {
  readonly op: LimitOp;
  readonly dim: Dimension;
}

/**
 * What to do with a limit when the shared store is unreachable:
 *   open   — skip the limit (admit), count it in the store-error metric;
 *   closed — deny with 503 (quota_unavailable);
 *   local  — enforce it on this process's memory store until the store is back.
 */
export type FailMode = "open" | "closed" | "local";

export type Decision =
  | { readonly ok: true; readonly reservation: Reservation; readonly result: ReserveResult | null }
  | {
      readonly ok: false;
      readonly reason: "limit" | "store_unavailable";
      readonly label: string;
      readonly limit: number;
      readonly retryAfterMs: number;
      readonly result: ReserveResult | null;
    };

function amount(dim: Dimension, u: TokenUsage): number {
  switch (dim) {
    case "input":
      return u.input;
    case "output":
      return u.output;
    case "total":
      return u.input + u.output;
    case "requests":
      return 1;
    case "concurrent":
      return 1;
  }
}

export interface LimiterHooks {
  onStoreError?(store: string, err: unknown, mode: FailMode | "settle"): void;
}

interface Segment {
  readonly store: QuotaStore;
  readonly held: Held[];
  readonly dims: Dimension[];
}

export class Reservation {
  readonly #segments: Segment[];
  readonly reserved: TokenUsage;
  #done = false;
  #charged: TokenUsage;
  #pending: Promise<void> = Promise.resolve();
  readonly #hooks: LimiterHooks;

  constructor(segments: Segment[], reserved: TokenUsage, hooks: LimiterHooks) {
    this.#segments = segments;
    this.reserved = reserved;
    this.#charged = reserved;
    this.#hooks = hooks;
  }

  get settled(): boolean {
    return this.#done;
  }

  /** Resolves when every adjustment issued so far has been applied. */
  get flushed(): Promise<void> {
    return this.#pending;
  }

  /**
   * Move every line to `usage`. With `final = false` (incremental, during a stream) only increases
   * are applied, so the reservation never drops below what has been produced.
   */
  settle(usage: TokenUsage, final = true): Promise<void> {
    if (this.#done) return this.#pending;
    const prev = this.#charged;
    const target: TokenUsage = final
      ? usage
      : { input: Math.max(usage.input, prev.input), output: Math.max(usage.output, prev.output) };
    this.#charged = target;
    if (final) this.#done = true;
    for (const seg of this.#segments) {
      const deltas: number[] = [];
      let any = false;
      for (let i = 0; i < seg.held.length; i++) {
        const dim = seg.dims[i] as Dimension;
        let d: number;
        if (dim === "concurrent") d = final ? -1 : 0;
        else if (dim === "requests") d = 0;
        else d = amount(dim, target) - amount(dim, prev);
        deltas.push(d);
        if (d !== 0) any = true;
      }
      if (!any) continue;
      const store = seg.store;
      const held = seg.held;
      this.#pending = this.#pending
        .then(() => store.adjust(held, deltas))
        .catch((err: unknown) => this.#hooks.onStoreError?.(store.name, err, "settle"));
    }
    return this.#pending;
  }

  /** Abort/error: charge only the usage actually observed (default nothing) and free the rest. */
  release(observed: TokenUsage = { input: 0, output: 0 }): Promise<void> {
    return this.settle(observed, true);
  }
}

export class Limiter {
  readonly store: QuotaStore;
  readonly fallback: QuotaStore;
  readonly #mode: (p: PlannedOp) => FailMode;
  readonly #hooks: LimiterHooks;

  constructor(
    store: QuotaStore,
    mode: FailMode | ((p: PlannedOp) => FailMode),
    hooks: LimiterHooks = {},
    fallback: QuotaStore = new MemoryStore(),
  ) {
    this.store = store;
    this.#mode = typeof mode === "string" ? () => mode : mode;
    this.#hooks = hooks;
    this.fallback = fallback;
  }

  async reserve(now: number, plan: readonly PlannedOp[], reserved: TokenUsage): Promise<Decision> {
    if (plan.length === 0)
      return { ok: true, reservation: new Reservation([], reserved, this.#hooks), result: null };
    try {
      return await this.#run(this.store, now, plan, reserved);
    } catch (err) {
      if (this.store === this.fallback) throw err;
      const local: PlannedOp[] = [];
      let worst: FailMode = "open";
      for (const p of plan) {
        const m = this.#mode(p);
        if (m === "closed") {
          this.#hooks.onStoreError?.(this.store.name, err, "closed");
          return {
            ok: false,
            reason: "store_unavailable",
            label: p.op.label,
            limit: p.op.limit,
            retryAfterMs: 1000,
            result: null,
          };
        }
        if (m === "local") {
          local.push(p);
          worst = "local";
        }
      }
      this.#hooks.onStoreError?.(this.store.name, err, worst);
      return this.#run(this.fallback, now, local, reserved);
    }
  }

  async #run(
    store: QuotaStore,
    now: number,
    plan: readonly PlannedOp[],
    reserved: TokenUsage,
  ): Promise<Decision> {
    const ops = plan.map((p) => p.op);
    const result = await store.reserve(now, ops);
    if (!result.ok) {
      const op = ops[result.denied];
      return {
        ok: false,
        reason: "limit",
        label: op?.label ?? "limit",
        limit: op?.limit ?? 0,
        retryAfterMs: result.retryAfterMs,
        result,
      };
    }
    const seg: Segment = {
      store,
      held: ops.map((o) => heldFor(o, now)),
      dims: plan.map((p) => p.dim),
    };
    return { ok: true, reservation: new Reservation([seg], reserved, this.#hooks), result };
  }
}
