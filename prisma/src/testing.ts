// Helpers for tests that need a real PostgreSQL (this package's and, later, the API's).
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./embedded.ts";

/** A directory the embedded server's `postgres` user can reach (mkdtemp makes 0700 dirs). */
export async function makeTempDir(prefix = "tessera-db-"): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  await fs.chmod(dir, 0o755);
  return dir;
}

export interface TestServer {
  /** URL of a database the tests may use to create other databases. */
  adminUrl: string;
  embedded: EmbeddedPostgresHandle | undefined;
  /** Fresh, empty database; dropped by `close()`. */
  createDatabase(): Promise<string>;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set (its user needs CREATEDB), else a throwaway embedded server on a free
 * port in a temporary directory.
 */
export async function startTestServer(databaseUrl: string | undefined): Promise<TestServer> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let tempDir: string | undefined;
  let adminUrl: string;
  if (databaseUrl) {
    adminUrl = databaseUrl;
  } else {
    tempDir = await makeTempDir();
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, "pg"), durable: false });
    adminUrl = embedded.url;
  }
  const created: string[] = [];
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    embedded,
    async createDatabase() {
      const name = `tessera_test_${randomBytes(6).toString("hex")}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async close() {
      try {
        if (!embedded) {
          await admin(async (c) => {
            for (const name of created)
              await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          });
        }
      } finally {
        await embedded?.stop();
        if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
      }
    },
  };
}

export interface CatalogSnapshot {
  enums: string[];
  columns: string[];
  indexes: string[];
  constraints: string[];
}

/**
 * A comparable description of the `public` schema: enum types with their labels, columns with
 * type/nullability/default, index definitions and constraint definitions (keys, foreign keys with
 * their ON DELETE/UPDATE actions, checks). Prisma's bookkeeping table is left out.
 */
export async function catalogSnapshot(url: string): Promise<CatalogSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const enums = await client.query<{ line: string }>(`
      SELECT t.typname || ' = ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public'
       GROUP BY t.typname ORDER BY 1`);
    const columns = await client.query<{ line: string }>(`
      SELECT table_name || '.' || column_name || ' ' || udt_name
             || coalesce('(' || character_maximum_length || ')', '')
             || coalesce(' p' || datetime_precision, '')
             || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
             || coalesce(' default ' || column_default, '') AS line
        FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
       ORDER BY table_name, column_name`);
    const indexes = await client.query<{ line: string }>(`
      SELECT indexdef AS line FROM pg_indexes
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`);
    const constraints = await client.query<{ line: string }>(`
      SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS line
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'public' AND c.conrelid <> 0
         AND c.conrelid::regclass::text <> '"_prisma_migrations"'
         AND c.conrelid::regclass::text <> '_prisma_migrations'
       ORDER BY 1`);
    const lines = (r: pg.QueryResult<{ line: string }>) => r.rows.map((row) => row.line);
    return {
      enums: lines(enums),
      columns: lines(columns),
      indexes: lines(indexes),
      constraints: lines(constraints),
    };
  } finally {
    await client.end();
  }
}
