-- CreateEnum
CREATE TYPE "provisioning_phase" AS ENUM ('PENDING', 'BUILDING', 'STARTING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "operation_state" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "cluster_provisioning" (
    "id" UUID NOT NULL,
    "name" VARCHAR(63) NOT NULL,
    "phase" "provisioning_phase" NOT NULL DEFAULT 'PENDING',
    "step" VARCHAR(200) NOT NULL,
    "message" TEXT,
    "progress_done" INTEGER,
    "progress_total" INTEGER,
    "cluster_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_provisioning_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "component_installs" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "namespace" VARCHAR(63) NOT NULL,
    "values" JSONB NOT NULL DEFAULT '{}',
    "version" VARCHAR(64) NOT NULL,
    "state" "operation_state" NOT NULL DEFAULT 'RUNNING',
    "messages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "applied" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "pruned" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "skipped" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" TEXT,
    "started_by_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "component_installs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_provisioning_name_key" ON "cluster_provisioning"("name");

-- CreateIndex
CREATE INDEX "cluster_provisioning_cluster_id_idx" ON "cluster_provisioning"("cluster_id");

-- CreateIndex
CREATE INDEX "component_installs_cluster_id_started_at_idx" ON "component_installs"("cluster_id", "started_at");

-- CreateIndex
CREATE INDEX "usage_records_occurred_at_idx" ON "usage_records"("occurred_at");

-- AddForeignKey
ALTER TABLE "cluster_provisioning" ADD CONSTRAINT "cluster_provisioning_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "component_installs" ADD CONSTRAINT "component_installs_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "component_installs" ADD CONSTRAINT "component_installs_started_by_id_fkey" FOREIGN KEY ("started_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

