// Limit descriptors ("ops") shared by the memory store and the Redis Lua script.
//   s: sliding window, bucketed: the window of W ms is split into buckets of g ms and a check sums
//      the last W/g + 1 buckets, so every true sliding window of length W that ends now is covered
//      (no overshoot from discretisation; at most g of extra memory, i.e. slight under-admission).
//   c: calendar period (UTC day / month): one counter per period, reset at the boundary.
//   q: concurrency: a sorted set of in-flight reservation ids with a lease, so a crashed router's
//      reservations expire instead of leaking.
export type OpType = "s" | "c" | "q";

export interface LimitOp {
  readonly key: string;
  readonly type: OpType;
  readonly limit: number;
  /** Tokens (or 1 request) to reserve. */
  readonly cost: number;
  /** s: bucket width ms; c: period end (epoch ms); q: lease ms. */
  readonly p1: number;
  /** s: buckets per check (W/g + 1); c, q: unused (0). */
  readonly p2: number;
  /** q: the reservation id; otherwise "". */
  readonly id: string;
  /** Human label for errors and headers, e.g. "tokens-per-minute". */
  readonly label: string;
}

/** A recorded reservation line: what to adjust at settle time. */
export interface Held {
  readonly key: string;
  readonly type: OpType;
  /** s: bucket index the reservation went into; c, q: 0. */
  readonly bucket: number;
  readonly id: string;
  reserved: number;
}

export const MINUTE_MS = 60_000;

export function slidingOp(
  key: string,
  label: string,
  limit: number,
  cost: number,
  windowMs: number,
  buckets = 120,
): LimitOp {
  const g = Math.max(1, Math.floor(windowMs / buckets));
  return { key, type: "s", limit, cost, p1: g, p2: Math.ceil(windowMs / g) + 1, id: "", label };
}

export function dayEnd(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

export function monthEnd(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Calendar key suffix: the period's start date, so a new day or month is a new counter. */
export function periodId(kind: "d" | "mo", now: number): string {
  const iso = new Date(now).toISOString();
  return kind === "d" ? iso.slice(0, 10) : iso.slice(0, 7);
}

export function calendarOp(
  key: string,
  label: string,
  limit: number,
  cost: number,
  kind: "d" | "mo",
  now: number,
): LimitOp {
  return {
    key: `${key}:${periodId(kind, now)}`,
    type: "c",
    limit,
    cost,
    p1: kind === "d" ? dayEnd(now) : monthEnd(now),
    p2: 0,
    id: "",
    label,
  };
}

export function concurrencyOp(
  key: string,
  label: string,
  limit: number,
  id: string,
  leaseMs: number,
): LimitOp {
  return { key, type: "q", limit, cost: 1, p1: leaseMs, p2: 0, id, label };
}

export function heldFor(op: LimitOp, now: number): Held {
  return {
    key: op.key,
    type: op.type,
    bucket: op.type === "s" ? Math.floor(now / op.p1) : 0,
    id: op.id,
    reserved: op.cost,
  };
}
