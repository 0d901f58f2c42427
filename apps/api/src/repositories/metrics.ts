import type { Db } from "./db.ts";

export interface ServingBucketRow {
  /** Bucket index from 0 (oldest). */
  i: number;
  requests: number;
  outputTokens: bigint;
  ttftP50: number | null;
  ttftP95: number | null;
}

/**
 * Request rate, TTFT percentiles and output tokens per time bucket, computed in PostgreSQL over
 * usage_records (indexed by occurred_at per tenant and per cluster). Every bucket of the window is
 * returned, empty ones included, so charts get a stable x-axis.
 */
export function metricsRepository(db: Db) {
  return {
    servingBuckets: (q: {
      from: Date;
      bucketSeconds: number;
      buckets: number;
      /** null: every tenant. */
      tenantIds: string[] | null;
      clusterId: string | null;
    }) => {
      const to = new Date(q.from.getTime() + q.bucketSeconds * q.buckets * 1000);
      const allTenants = q.tenantIds === null;
      // Aggregate per bucket first (date_bin is plain timestamp arithmetic; bucketing with
      // extract(epoch) goes through numeric and took 3× as long on 1M rows), then lay the buckets
      // on the full axis.
      return db.$queryRaw<ServingBucketRow[]>`
        WITH agg AS (
          SELECT date_bin(make_interval(secs => ${q.bucketSeconds}::int), occurred_at, ${q.from}::timestamptz) AS bucket,
                 count(*)::int AS requests,
                 sum(output_tokens)::bigint AS "outputTokens",
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS "ttftP50",
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY ttft_ms) AS "ttftP95"
          FROM usage_records
          WHERE occurred_at >= ${q.from}::timestamptz AND occurred_at < ${to}::timestamptz
            AND (${allTenants} OR tenant_id = ANY(${q.tenantIds ?? []}::uuid[]))
            AND (${q.clusterId}::uuid IS NULL OR cluster_id = ${q.clusterId}::uuid)
          GROUP BY 1
        )
        SELECT b.i::int AS i,
               coalesce(agg.requests, 0)::int AS requests,
               coalesce(agg."outputTokens", 0)::bigint AS "outputTokens",
               agg."ttftP50", agg."ttftP95"
        FROM generate_series(0, ${q.buckets - 1}::int) AS b(i)
        LEFT JOIN agg ON agg.bucket = ${q.from}::timestamptz + b.i * make_interval(secs => ${q.bucketSeconds}::int)
        ORDER BY b.i`;
    },
  };
}
