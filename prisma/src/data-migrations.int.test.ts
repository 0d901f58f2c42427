// Migrations that move data, not only structure: each is applied to a database holding rows written
// under the schema before it, and the rows must come out as the new schema means them.
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR, readMigrations } from "./migrate.ts";
import { makeTempDir, startTestServer, type TestServer } from "./testing.ts";

let server: TestServer;
let scratch: string;
beforeAll(async () => {
  server = await startTestServer(process.env.DATABASE_URL);
  scratch = await makeTempDir("tessera-data-mig-");
});
afterAll(async () => {
  await server?.close();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

/** A database migrated up to, not including, `name`; and a function applying the rest. */
async function databaseBefore(name: string): Promise<{ url: string; finish: () => Promise<void> }> {
  const all = await readMigrations();
  const index = all.findIndex((m) => m.name === name);
  expect(index, `migration ${name} exists`).toBeGreaterThan(0);
  const dir = await fs.mkdtemp(path.join(scratch, "m-"));
  await fs.copyFile(
    path.join(MIGRATIONS_DIR, "migration_lock.toml"),
    path.join(dir, "migration_lock.toml"),
  );
  for (const m of all.slice(0, index))
    await fs.cp(path.join(MIGRATIONS_DIR, m.name), path.join(dir, m.name), { recursive: true });
  const url = await server.createDatabase();
  await migrate(url, { migrationsDir: dir });
  return { url, finish: async () => void (await migrate(url)) };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("data migrations", () => {
  it("usage_rate_limited_count: the rollups count the 429s already stored, per UTC day", async () => {
    const { url, finish } = await databaseBefore("20261124155139_usage_rate_limited_count");
    const tenant = "0195f3a0-0000-7000-8000-000000000001";
    const key = "0195f3a0-0000-7000-8000-000000000002";
    await withClient(url, async (c) => {
      await c.query(
        `INSERT INTO tenants (id, slug, name, updated_at) VALUES ($1, 'acme', 'Acme', now())`,
        [tenant],
      );
      await c.query(
        `INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, updated_at)
         VALUES ($1, $2, 'k', 'tsk_abc', repeat('0', 64), now())`,
        [key, tenant],
      );
      // Key caller: two 429s and a 200 on the 20th (one at 23:59:59 UTC), a 429 on the 21st.
      // JWT caller without issuer: one 429 on the 20th.
      const records: [string, string | null, string | null, number, string, string][] = [
        ["r1", key, null, 429, "RATE_LIMITED", "2026-11-20T08:00:00Z"],
        ["r2", key, null, 429, "RATE_LIMITED", "2026-11-20T23:59:59Z"],
        ["r3", key, null, 200, "SUCCESS", "2026-11-20T09:00:00Z"],
        ["r4", key, null, 429, "RATE_LIMITED", "2026-11-21T00:00:00Z"],
        ["r5", null, "alice", 429, "RATE_LIMITED", "2026-11-20T10:00:00Z"],
      ];
      for (const [id, apiKey, subject, status, outcome, at] of records)
        await c.query(
          `INSERT INTO usage_records (request_id, tenant_id, api_key_id, subject, model,
             input_tokens, output_tokens, duration_ms, status_code, outcome, occurred_at)
           VALUES ($1, $2, $3, $4, 'llama', 0, 0, 1, $5, $6, $7)`,
          [id, tenant, apiKey, subject, status, outcome, at],
        );
      for (const [day, requests] of [
        ["2026-11-20", 3],
        ["2026-11-21", 1],
      ] as const)
        await c.query(
          `INSERT INTO usage_daily (tenant_id, api_key_id, model, day, request_count, updated_at)
           VALUES ($1, $2, 'llama', $3, $4, now())`,
          [tenant, key, day, requests],
        );
      await c.query(
        `INSERT INTO usage_daily_subjects (tenant_id, subject, model, day, request_count, updated_at)
         VALUES ($1, 'alice', 'llama', '2026-11-20', 1, now())`,
        [tenant],
      );
    });

    await finish();

    await withClient(url, async (c) => {
      const keyRows = await c.query<{ day: string; n: string }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, rate_limited_count AS n FROM usage_daily ORDER BY day`,
      );
      expect(keyRows.rows).toEqual([
        { day: "2026-11-20", n: "2" },
        { day: "2026-11-21", n: "1" },
      ]);
      const subjectRows = await c.query<{ n: string }>(
        `SELECT rate_limited_count AS n FROM usage_daily_subjects`,
      );
      expect(subjectRows.rows).toEqual([{ n: "1" }]);
    });
  });
});
