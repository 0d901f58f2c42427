-- CreateTable
CREATE TABLE "price_rules" (
    "id" UUID NOT NULL,
    "model" VARCHAR(253) NOT NULL,
    "currency" VARCHAR(8) NOT NULL DEFAULT 'USD',
    "input_per_million_tokens" DOUBLE PRECISION,
    "cached_input_per_million_tokens" DOUBLE PRECISION,
    "output_per_million_tokens" DOUBLE PRECISION,
    "gpu_hour_price" DOUBLE PRECISION,
    "gpus_per_request" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "price_rules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "price_rules_model_key" ON "price_rules"("model");

