-- AlterTable
ALTER TABLE "usage_daily" ADD COLUMN     "rate_limited_count" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "usage_daily_subjects" ADD COLUMN     "rate_limited_count" BIGINT NOT NULL DEFAULT 0;

-- Backfill (written by hand): the rollups' new count from the usage records already stored, by the
-- same UTC day the ingest uses. Rows absent from a rollup cannot exist (ingest writes both).
UPDATE "usage_daily" d SET "rate_limited_count" = r.n
FROM (
  SELECT "tenant_id", "api_key_id", "model", ("occurred_at" AT TIME ZONE 'UTC')::date AS day, count(*) AS n
  FROM "usage_records"
  WHERE "outcome" = 'RATE_LIMITED' AND "api_key_id" IS NOT NULL
  GROUP BY 1, 2, 3, 4
) r
WHERE d."tenant_id" = r."tenant_id" AND d."api_key_id" = r."api_key_id" AND d."model" = r."model" AND d."day" = r.day;

UPDATE "usage_daily_subjects" d SET "rate_limited_count" = r.n
FROM (
  SELECT "tenant_id", coalesce("issuer", '') AS issuer, "subject", "model", ("occurred_at" AT TIME ZONE 'UTC')::date AS day, count(*) AS n
  FROM "usage_records"
  WHERE "outcome" = 'RATE_LIMITED' AND "subject" IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
) r
WHERE d."tenant_id" = r."tenant_id" AND d."issuer" = r.issuer AND d."subject" = r."subject" AND d."model" = r."model" AND d."day" = r.day;
