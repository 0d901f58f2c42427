// @tessera/db: the control-plane database. Everything other workspaces need is exported here.
export { createPrismaClient, type PrismaClientOptions } from "./client.ts";
export {
  resolveDatabaseUrl,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  type ResolvedDatabase,
} from "./embedded.ts";
export { readDbEnv, type DbEnv } from "./env.ts";
export {
  migrate,
  migrationStatus,
  readMigrations,
  MigrationError,
  MIGRATIONS_DIR,
  type MigrateOptions,
  type MigrateResult,
  type MigrationStatus,
  type Migration,
} from "./migrate.ts";
// The generated client: PrismaClient, the Prisma namespace (errors, input types), enums as
// const objects, and one type per model (Tenant, ApiKey, UsageRecord, …).
export * from "../generated/prisma/client.ts";
