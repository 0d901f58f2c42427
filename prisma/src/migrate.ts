// Applies the committed migrations (migrations/<timestamp>_<name>/migration.sql) to PostgreSQL.
//
// Prisma's own `migrate deploy` needs its native schema engine, which cannot be downloaded on
// offline machines, so Tessera applies migrations itself. The bookkeeping is Prisma's:
// the `_prisma_migrations` table with the same columns and checksums, so an installation can
// switch to `prisma migrate deploy` at any time and see the same history.
//
// Guarantees:
// - each migration runs in its own transaction together with its bookkeeping row: it is applied
//   completely or not at all;
// - an applied migration whose file has changed since (checksum mismatch) stops the run before
//   anything is applied;
// - a session-level advisory lock serialises concurrent runners (several API replicas starting
//   at once); it is the key Prisma's schema engine takes, so Prisma and this runner exclude each
//   other too.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "migrations",
);

/** The advisory lock key Prisma Migrate uses on PostgreSQL. */
export const MIGRATION_LOCK_KEY = 72707369;

export interface Migration {
  /** Directory name, e.g. "20261124073000_init". */
  name: string;
  sql: string;
  /** Hex SHA-256 of migration.sql, as Prisma computes it. */
  checksum: string;
}

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (message: string) => void;
  /** Give up waiting for another runner's lock after this long; default 5 minutes. */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations that were already applied. */
  alreadyApplied: string[];
  /** Migrations recorded in the database that this code does not have (a newer version ran). */
  unknown: string[];
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function checksumOf(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/** Checksums an unmodified file may have: Prisma accepts a file whose only change is CRLF/LF. */
function acceptableChecksums(sql: string): Set<string> {
  const lf = sql.replace(/\r\n/g, "\n");
  return new Set([checksumOf(sql), checksumOf(lf), checksumOf(lf.replace(/\n/g, "\r\n"))]);
}

export async function readMigrations(migrationsDir = MIGRATIONS_DIR): Promise<Migration[]> {
  const lockFile = path.join(migrationsDir, "migration_lock.toml");
  let lock: string;
  try {
    lock = await fs.readFile(lockFile, "utf8");
  } catch {
    throw new MigrationError(`${lockFile} is missing`);
  }
  const provider = /^\s*provider\s*=\s*"([^"]+)"/m.exec(lock)?.[1];
  if (provider !== "postgresql") {
    throw new MigrationError(`${lockFile}: provider is "${provider}", expected "postgresql"`);
  }
  const entries = await fs.readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, "migration.sql");
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      throw new MigrationError(`migration ${name} has no migration.sql`);
    }
    migrations.push({ name, sql: bytes.toString("utf8"), checksum: checksumOf(bytes) });
  }
  return migrations;
}

// Prisma's definition of its bookkeeping table (PostgreSQL).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function acquireLock(client: pg.Client, timeoutMs: number, log: (m: string) => void) {
  const deadline = Date.now() + timeoutMs;
  let waiting = false;
  for (;;) {
    const res = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock($1) AS locked",
      [MIGRATION_LOCK_KEY],
    );
    if (res.rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        `another migration run holds the lock (pg advisory lock ${MIGRATION_LOCK_KEY}); gave up after ${timeoutMs} ms`,
      );
    }
    if (!waiting) {
      log("waiting for another migration run to finish");
      waiting = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function describePgError(err: unknown, sql: string): string {
  const e = err as { message?: string; position?: string; code?: string };
  let where = "";
  const position = Number(e.position);
  if (Number.isInteger(position) && position > 0) {
    const line = sql.slice(0, position).split("\n").length;
    where = ` (line ${line}: ${sql.split("\n")[line - 1]?.trim() ?? ""})`;
  }
  return `${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ""}${where}`;
}

/** Apply every pending migration to the database at `url`. */
export async function migrate(url: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: url, application_name: "tessera-migrate" });
  client.on("error", () => {}); // a dropped connection surfaces as the failing query's error
  await client.connect();
  try {
    await acquireLock(client, options.lockTimeoutMs ?? 5 * 60_000, log);
    try {
      return await applyPending(client, migrations, log);
    } finally {
      // Also released when the session ends; never let this hide the run's own error.
      await client
        .query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY])
        .catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

interface Plan {
  appliedByName: Map<string, AppliedRow>;
  unknown: string[];
  /** Problems that forbid applying anything. */
  problems: string[];
}

/** Compare the local migrations with the bookkeeping rows, without changing anything. */
function plan(migrations: Migration[], rows: AppliedRow[]): Plan {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const problems: string[] = [];
  const failed = live.filter((r) => r.finished_at === null);
  if (failed.length > 0) {
    problems.push(
      `migration ${failed.map((r) => r.migration_name).join(", ")} started but never finished ` +
        `(recorded by another tool). Inspect the database, then mark it with ` +
        `'prisma migrate resolve --rolled-back <name>' or '--applied <name>'.`,
    );
  }
  const appliedByName = new Map(
    live.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r]),
  );
  for (const m of migrations) {
    const row = appliedByName.get(m.name);
    if (row && !acceptableChecksums(m.sql).has(row.checksum)) {
      problems.push(
        `migration ${m.name} was modified after it was applied ` +
          `(checksum in database ${row.checksum}, file ${m.checksum}). ` +
          `Applied migrations are immutable: restore the original file and put the change in a new migration.`,
      );
    }
  }
  const local = new Set(migrations.map((m) => m.name));
  const unknown = [...appliedByName.keys()].filter((name) => !local.has(name));
  return { appliedByName, unknown, problems };
}

async function readRows(client: pg.Client): Promise<AppliedRow[]> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('"_prisma_migrations"')::text AS t`,
  );
  if (!exists.rows[0]?.t) return [];
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows;
}

export interface MigrationStatus {
  applied: string[];
  /** Local migrations not applied yet. */
  pending: string[];
  unknown: string[];
  /** Why `migrate` would refuse to run (modified or unfinished migrations); empty when fine. */
  problems: string[];
}

/**
 * Where the database stands relative to the committed migrations, without changing it (for
 * readiness checks and `--check` style tooling).
 */
export async function migrationStatus(
  url: string,
  options: Pick<MigrateOptions, "migrationsDir"> = {},
): Promise<MigrationStatus> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: url, application_name: "tessera-migrate" });
  await client.connect();
  try {
    const p = plan(migrations, await readRows(client));
    return {
      applied: migrations.filter((m) => p.appliedByName.has(m.name)).map((m) => m.name),
      pending: migrations.filter((m) => !p.appliedByName.has(m.name)).map((m) => m.name),
      unknown: p.unknown,
      problems: p.problems,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyPending(
  client: pg.Client,
  migrations: Migration[],
  log: (m: string) => void,
): Promise<MigrateResult> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  // Check everything before applying anything.
  const { appliedByName, unknown, problems } = plan(migrations, await readRows(client));
  if (problems.length > 0) throw new MigrationError(problems.join("\n"));
  if (unknown.length > 0) {
    log(`database has migrations this version does not know: ${unknown.join(", ")}`);
  }

  const result: MigrateResult = { applied: [], alreadyApplied: [], unknown };
  for (const m of migrations) {
    if (appliedByName.has(m.name)) {
      result.alreadyApplied.push(m.name);
      continue;
    }
    const startedAt = new Date();
    log(`applying ${m.name}`);
    await client.query("BEGIN");
    try {
      await client.query(m.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations"
           (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
        [randomUUID(), m.checksum, m.name, startedAt],
      );
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new MigrationError(
        `migration ${m.name} failed and was rolled back: ${describePgError(err, m.sql)}`,
        { cause: err },
      );
    }
    result.applied.push(m.name);
  }
  return result;
}
