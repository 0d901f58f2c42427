-- AlterTable
ALTER TABLE "usage_records" ADD COLUMN     "issuer" VARCHAR(512),
ADD COLUMN     "served_model" VARCHAR(253),
ADD COLUMN     "subject" VARCHAR(255),
ALTER COLUMN "api_key_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "usage_daily_subjects" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "issuer" VARCHAR(512) NOT NULL DEFAULT '',
    "subject" VARCHAR(255) NOT NULL,
    "model" VARCHAR(253) NOT NULL,
    "day" DATE NOT NULL,
    "request_count" BIGINT NOT NULL DEFAULT 0,
    "error_count" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "ttft_ms_sum" BIGINT NOT NULL DEFAULT 0,
    "ttft_count" BIGINT NOT NULL DEFAULT 0,
    "duration_ms_sum" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_daily_subjects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "usage_daily_subjects_tenant_id_day_idx" ON "usage_daily_subjects"("tenant_id", "day");

-- CreateIndex
CREATE INDEX "usage_daily_subjects_day_idx" ON "usage_daily_subjects"("day");

-- CreateIndex
CREATE UNIQUE INDEX "usage_daily_subjects_tenant_id_issuer_subject_model_day_key" ON "usage_daily_subjects"("tenant_id", "issuer", "subject", "model", "day");

-- AddForeignKey
ALTER TABLE "usage_daily_subjects" ADD CONSTRAINT "usage_daily_subjects_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

