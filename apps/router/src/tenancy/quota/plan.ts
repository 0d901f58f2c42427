// Turns a Tenant's quota entry (and Kthena's ModelRoute.spec.rateLimit) into limit lines.
import type { TenantQuota } from "@tessera/shared/api/tessera/index";
import type { PlannedOp, TokenUsage } from "./limiter.ts";
import type { LimitOp } from "./windows.ts";
import { MINUTE_MS, calendarOp, concurrencyOp, slidingOp } from "./windows.ts";

export interface RateLimitLike {
  readonly inputTokensPerUnit?: number | undefined;
  readonly outputTokensPerUnit?: number | undefined;
  readonly unit: "second" | "minute" | "hour" | "day" | "month";
}

const UNIT_MS = { second: 1000, minute: MINUTE_MS, hour: 3_600_000 } as const;

/** The quota entry for `model`: its own entry, else "*", else none. */
export function quotaFor(quotas: readonly TenantQuota[], model: string): TenantQuota | null {
  let star: TenantQuota | null = null;
  for (const q of quotas) {
    if (q.model === model) return q;
    if (q.model === "*") star = q;
  }
  return star;
}

export function tenantPlan(
  tenant: string,
  q: TenantQuota,
  now: number,
  reserve: TokenUsage,
  requestId: string,
  leaseMs: number,
): PlannedOp[] {
  // One hash tag per tenant and quota entry: a request's keys share a Redis Cluster slot.
  const base = `tessera:q:{${tenant}:${q.model}}`;
  const out: PlannedOp[] = [];
  const tok = (
    dim: "input" | "output" | "total",
    m: number | undefined,
    d: number | undefined,
    mo: number | undefined,
  ) => {
    const cost =
      dim === "input"
        ? reserve.input
        : dim === "output"
          ? reserve.output
          : reserve.input + reserve.output;
    if (m !== undefined)
      out.push({
        dim,
        op: slidingOp(`${base}:${dim}:m`, `${dim}-tokens-per-minute`, m, cost, MINUTE_MS),
      });
    if (d !== undefined)
      out.push({
        dim,
        op: calendarOp(`${base}:${dim}:d`, `${dim}-tokens-per-day`, d, cost, "d", now),
      });
    if (mo !== undefined)
      out.push({
        dim,
        op: calendarOp(`${base}:${dim}:mo`, `${dim}-tokens-per-month`, mo, cost, "mo", now),
      });
  };
  tok("input", q.inputTokensPerMinute, q.inputTokensPerDay, q.inputTokensPerMonth);
  tok("output", q.outputTokensPerMinute, q.outputTokensPerDay, q.outputTokensPerMonth);
  tok("total", q.totalTokensPerMinute, q.totalTokensPerDay, q.totalTokensPerMonth);
  if (q.requestsPerMinute !== undefined)
    out.push({
      dim: "requests",
      op: slidingOp(`${base}:req:m`, "requests-per-minute", q.requestsPerMinute, 1, MINUTE_MS),
    });
  if (q.concurrentRequests !== undefined)
    out.push({
      dim: "concurrent",
      op: concurrencyOp(
        `${base}:conc`,
        "concurrent-requests",
        q.concurrentRequests,
        requestId,
        leaseMs,
      ),
    });
  return out;
}

/** Kthena's per-model rateLimit, as limit lines (sliding for second/minute/hour, calendar beyond). */
export function routePlan(
  routeKey: string,
  rl: RateLimitLike,
  now: number,
  reserve: TokenUsage,
): PlannedOp[] {
  const base = `tessera:rl:{${routeKey}}`;
  const out: PlannedOp[] = [];
  const one = (dim: "input" | "output", limit: number | undefined) => {
    if (limit === undefined) return;
    const cost = dim === "input" ? reserve.input : reserve.output;
    const label = `route-${dim}-tokens-per-${rl.unit}`;
    let op: LimitOp;
    if (rl.unit === "day" || rl.unit === "month")
      op = calendarOp(`${base}:${dim}`, label, limit, cost, rl.unit === "day" ? "d" : "mo", now);
    else
      op = slidingOp(
        `${base}:${dim}:${rl.unit}`,
        label,
        limit,
        cost,
        UNIT_MS[rl.unit],
        rl.unit === "second" ? 20 : 120,
      );
    out.push({ dim, op });
  };
  one("input", rl.inputTokensPerUnit);
  one("output", rl.outputTokensPerUnit);
  return out;
}
