// The migration runner against a real PostgreSQL (embedded, or DATABASE_URL when set).
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checksumOf,
  migrate,
  MIGRATION_LOCK_KEY,
  MigrationError,
  MIGRATIONS_DIR,
  migrationStatus,
  readMigrations,
} from "./migrate.ts";
import { makeTempDir, startTestServer, type TestServer } from "./testing.ts";

let server: TestServer;
let scratch: string;
beforeAll(async () => {
  server = await startTestServer(process.env.DATABASE_URL);
  scratch = await makeTempDir("tessera-mig-int-");
});
afterAll(async () => {
  await server?.close();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface BookRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
  rolled_back_at: Date | null;
}
const bookkeeping = (url: string) =>
  query<BookRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);

/** A copy of the committed migrations that a test may modify. */
async function copyOfMigrations(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(scratch, "m-"));
  await fs.cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("migrate", () => {
  it("applies the committed migrations to an empty database with Prisma's bookkeeping", async () => {
    const url = await server.createDatabase();
    const committed = await readMigrations();
    const result = await migrate(url);
    expect(result.applied).toEqual(committed.map((m) => m.name));
    expect(result.alreadyApplied).toEqual([]);

    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const file = await fs.readFile(
        path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"),
      );
      expect(row.checksum).toBe(checksumOf(file));
      expect(row.checksum).toBe(committed[i]?.checksum);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    const tables = await query<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "tenants",
        "api_keys",
        "token_quotas",
        "usage_records",
        "audit_logs",
      ]),
    );
  });

  it("is a no-op when everything is applied", async () => {
    const url = await server.createDatabase();
    await migrate(url);
    const before = await bookkeeping(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(before.map((r) => r.migration_name));
    expect(await bookkeeping(url)).toEqual(before);
  });

  it("refuses a migration modified after it was applied, before applying anything else", async () => {
    const url = await server.createDatabase();
    const dir = await copyOfMigrations();
    const [first] = await readMigrations(dir);
    if (!first) throw new Error("no committed migration");
    await migrate(url, { migrationsDir: dir });

    await fs.appendFile(
      path.join(dir, first.name, "migration.sql"),
      "\nALTER TABLE tenants ADD COLUMN x INT;\n",
    );
    await fs.mkdir(path.join(dir, "29991231000000_later"));
    await fs.writeFile(
      path.join(dir, "29991231000000_later", "migration.sql"),
      "CREATE TABLE later (id INT);",
    );

    const err = await migrate(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain(
      `migration ${first.name} was modified after it was applied`,
    );
    const later = await query(url, `SELECT to_regclass('public.later') AS t`);
    expect(later).toEqual([{ t: null }]);
    expect((await bookkeeping(url)).map((r) => r.migration_name)).not.toContain(
      "29991231000000_later",
    );
  });

  it("reports status without changing the database", async () => {
    const url = await server.createDatabase();
    const names = (await readMigrations()).map((m) => m.name);
    await expect(migrationStatus(url)).resolves.toEqual({
      applied: [],
      pending: names,
      unknown: [],
      problems: [],
    });
    // Read-only: not even the bookkeeping table was created.
    expect(await query(url, `SELECT to_regclass('public."_prisma_migrations"') AS t`)).toEqual([
      { t: null },
    ]);
    await migrate(url);
    await expect(migrationStatus(url)).resolves.toEqual({
      applied: names,
      pending: [],
      unknown: [],
      problems: [],
    });

    const dir = await copyOfMigrations();
    const [first] = await readMigrations(dir);
    if (!first) throw new Error("no committed migration");
    await fs.appendFile(path.join(dir, first.name, "migration.sql"), "-- edited\n");
    await fs.mkdir(path.join(dir, "29991231000000_next"));
    await fs.writeFile(path.join(dir, "29991231000000_next", "migration.sql"), "SELECT 1;");
    // Applied by a newer version of Tessera that this code does not know.
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ('00000000-0000-0000-0000-000000000002', 'x', '29990101000000_newer', now(), now(), 1)`,
    );
    const status = await migrationStatus(url, { migrationsDir: dir });
    expect(status.pending).toEqual(["29991231000000_next"]);
    expect(status.unknown).toEqual(["29990101000000_newer"]);
    expect(status.problems).toEqual([expect.stringContaining(`${first.name} was modified`)]);
  });

  it("accepts a file whose only change is its line endings (as Prisma does)", async () => {
    const url = await server.createDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { migrationsDir: dir });
    for (const m of await readMigrations(dir)) {
      await fs.writeFile(path.join(dir, m.name, "migration.sql"), m.sql.replace(/\r?\n/g, "\r\n"));
    }
    await expect(migrate(url, { migrationsDir: dir })).resolves.toMatchObject({ applied: [] });
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const url = await server.createDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, { migrationsDir: dir });
    const broken = path.join(dir, "29991231000000_broken");
    await fs.mkdir(broken);
    await fs.writeFile(
      path.join(broken, "migration.sql"),
      "CREATE TABLE half_done (id INT);\nALTER TABLE tenants ADD COLUMN y no_such_type;\n",
    );

    const err = await migrate(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(
      /29991231000000_broken failed and was rolled back: .*no_such_type.*\(line 2: ALTER TABLE tenants/,
    );
    expect(await query(url, `SELECT to_regclass('public.half_done') AS t`)).toEqual([{ t: null }]);
    expect((await bookkeeping(url)).map((r) => r.migration_name)).not.toContain(
      "29991231000000_broken",
    );

    await fs.writeFile(path.join(broken, "migration.sql"), "CREATE TABLE half_done (id INT);\n");
    await expect(migrate(url, { migrationsDir: dir })).resolves.toMatchObject({
      applied: ["29991231000000_broken"],
    });
  });

  it("refuses to continue after a migration another tool left unfinished", async () => {
    const url = await server.createDatabase();
    await migrate(url);
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at)
       VALUES ('00000000-0000-0000-0000-000000000001', 'x', '29990101000000_crashed', now())`,
    );
    await expect(migrate(url)).rejects.toThrow(/29990101000000_crashed started but never finished/);
  });

  it("works for a least-privilege role that may only create objects in schema public", async (ctx) => {
    const url = await server.createDatabase();
    const [me] = await query<{ can: boolean }>(
      url,
      `SELECT rolcreaterole OR rolsuper AS can FROM pg_roles WHERE rolname = current_user`,
    );
    if (!me?.can) ctx.skip(); // an external DATABASE_URL without CREATEROLE
    const dbName = new URL(url).pathname.slice(1);
    const role = `app_${dbName.slice(-12)}`;
    await query(
      url,
      `CREATE ROLE ${role} LOGIN PASSWORD 'app-pw';
       REVOKE CREATE ON DATABASE ${dbName} FROM PUBLIC;
       GRANT USAGE, CREATE ON SCHEMA public TO ${role};`,
    );
    const appUrl = new URL(url);
    appUrl.username = role;
    appUrl.password = "app-pw";
    try {
      const result = await migrate(appUrl.toString());
      expect(result.applied.length).toBeGreaterThan(0);
      await expect(migrationStatus(appUrl.toString())).resolves.toMatchObject({ pending: [] });
    } finally {
      await query(url, `DROP OWNED BY ${role}; DROP ROLE ${role};`);
    }
  });

  it("serialises concurrent runs: each migration is applied exactly once", async () => {
    const url = await server.createDatabase();
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const committed = (await readMigrations()).map((m) => m.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual([...committed].sort());
    expect((await bookkeeping(url)).map((r) => r.migration_name)).toEqual(committed);
  });

  it("waits for the advisory lock and gives up after the timeout", async () => {
    const url = await server.createDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
      const started = Date.now();
      await expect(migrate(url, { lockTimeoutMs: 600 })).rejects.toThrow(/holds the lock/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(await query(url, `SELECT to_regclass('public."_prisma_migrations"') AS t`)).toEqual([
        { t: null },
      ]);

      const pending = migrate(url, { lockTimeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 300));
      await holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
      await expect(pending).resolves.toMatchObject({ alreadyApplied: [] });
    } finally {
      await holder.end();
    }
  });
});

describe("npm run db:migrate (src/bin/migrate.ts)", () => {
  function runCli(
    env: Record<string, string | undefined>,
  ): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(import.meta.dirname, "bin", "migrate.ts")], {
        env: { ...process.env, INIT_CWD: undefined, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
  }

  it("migrates DATABASE_URL when it is set", async () => {
    const url = await server.createDatabase();
    const first = await runCli({ DATABASE_URL: url });
    expect(first.out).toMatch(/applied \d+ migration/);
    expect(first.code).toBe(0);
    const second = await runCli({ DATABASE_URL: url });
    expect(second.out).toContain("database is up to date");
    expect(second.out).not.toContain(new URL(url).password);
  });

  it("starts, migrates and stops the embedded server in TESSERA_DATA_DIR when DATABASE_URL is unset", async () => {
    const dataDir = path.join(scratch, "cli-data");
    const first = await runCli({ DATABASE_URL: undefined, TESSERA_DATA_DIR: dataDir });
    expect(first.out).toContain(
      `embedded PostgreSQL in ${path.join(dataDir, "postgres")} (created)`,
    );
    expect(first.out).toMatch(/applied \d+ migration/);
    expect(first.code).toBe(0);
    // The server was stopped on exit: no postmaster.pid left behind.
    await expect(fs.access(path.join(dataDir, "postgres", "postmaster.pid"))).rejects.toThrow();

    const second = await runCli({ DATABASE_URL: undefined, TESSERA_DATA_DIR: dataDir });
    expect(second.out).not.toContain("(created)");
    expect(second.out).toContain("database is up to date");
    expect(second.code).toBe(0);
  });

  it("exits non-zero with the reason when DATABASE_URL is unreachable", async () => {
    const res = await runCli({ DATABASE_URL: "postgresql://nobody:pw@127.0.0.1:1/none" });
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/db:migrate failed: .*ECONNREFUSED/);
  });
});
