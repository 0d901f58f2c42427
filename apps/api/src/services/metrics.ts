// Serving metrics for the console's traffic chart, from the metered (tenant) requests routers
// report: requests/s, TTFT p50/p95 and output tokens/s per time bucket. Requests without a tenant
// key (e.g. a router without tenancy) are not in usage_records and so not in these numbers.
import { ApiError, notFound } from "../errors.ts";
import type { Repositories } from "../repositories/index.ts";
import type { Actor } from "../trpc/procedure.ts";

/** Window → bucket width; 30–96 buckets whatever the window. */
export const SERVING_WINDOWS = {
  "15m": { seconds: 15 * 60, bucketSeconds: 30 },
  "1h": { seconds: 60 * 60, bucketSeconds: 60 },
  "6h": { seconds: 6 * 60 * 60, bucketSeconds: 5 * 60 },
  "24h": { seconds: 24 * 60 * 60, bucketSeconds: 15 * 60 },
} as const;
export type ServingWindow = keyof typeof SERVING_WINDOWS;

export interface ServingPoint {
  /** Start of the bucket (RFC 3339). */
  t: string;
  requestsPerSecond: number;
  /** 0 when the bucket has no request with a TTFT. */
  ttftP50Ms: number;
  ttftP95Ms: number;
  outputTokensPerSecond: number;
}

export interface ServingMetrics {
  /** Where the numbers come from: the metered requests routers report (usage records). */
  source: "usage-records";
  /** "all": every tenant (operators); otherwise the tenants the caller administers. */
  tenants: "all" | string[];
  window: ServingWindow;
  bucketSeconds: number;
  from: string;
  to: string;
  series: ServingPoint[];
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Operators see every tenant; anyone else the tenants they administer (none: 403). */
export function metricsScope(actor: Actor): "all" | string[] {
  if (actor.type === "user" && actor.platformRole !== "MEMBER") return "all";
  const admin =
    actor.type === "user"
      ? [...actor.memberships].filter(([, role]) => role === "TENANT_ADMIN").map(([id]) => id)
      : [];
  if (admin.length === 0)
    throw new ApiError(
      "API_ERR_FORBIDDEN",
      "Needs the platform operator role or a tenant admin role",
    );
  return admin.sort();
}

export function metricsService(deps: { repos: Repositories; now?: () => number }) {
  const { repos } = deps;
  const now = deps.now ?? Date.now;
  return {
    async serving(
      actor: Actor,
      input: { window: ServingWindow; clusterId?: string | undefined },
    ): Promise<ServingMetrics> {
      const tenants = metricsScope(actor);
      if (input.clusterId && !(await repos.clusters.find(input.clusterId)))
        throw notFound("cluster");
      const { seconds, bucketSeconds } = SERVING_WINDOWS[input.window];
      const buckets = seconds / bucketSeconds;
      // Buckets aligned to the wall clock, so refreshes shift the chart by whole buckets; the last
      // one is the current, partial bucket.
      const nowMs = now();
      const step = bucketSeconds * 1000;
      const end = Math.floor(nowMs / step) * step + step;
      const from = new Date(end - buckets * step);
      const rows = await repos.metrics.servingBuckets({
        from,
        bucketSeconds,
        buckets,
        tenantIds: tenants === "all" ? null : tenants,
        clusterId: input.clusterId ?? null,
      });
      const series = rows.map((r): ServingPoint => {
        const start = from.getTime() + r.i * step;
        // Rates of the current bucket are over the part of it that has elapsed.
        const elapsedS = Math.max(1, Math.min(step, nowMs - start) / 1000);
        return {
          t: new Date(start).toISOString(),
          requestsPerSecond: round(r.requests / elapsedS),
          ttftP50Ms: round(r.ttftP50 ?? 0, 1),
          ttftP95Ms: round(r.ttftP95 ?? 0, 1),
          outputTokensPerSecond: round(Number(r.outputTokens) / elapsedS),
        };
      });
      return {
        source: "usage-records",
        tenants,
        window: input.window,
        bucketSeconds,
        from: from.toISOString(),
        to: new Date(end).toISOString(),
        series,
      };
    },
  };
}
export type MetricsService = ReturnType<typeof metricsService>;
