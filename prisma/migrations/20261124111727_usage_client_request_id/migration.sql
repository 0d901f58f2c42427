-- AlterTable
ALTER TABLE "usage_records" ADD COLUMN     "client_request_id" VARCHAR(128);

