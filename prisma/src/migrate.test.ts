import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, MigrationError, readMigrations } from "./migrate.ts";

const LOCK = 'provider = "postgresql"\n';
const dirs: string[] = [];
async function tempMigrations(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-mig-"));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe("readMigrations", () => {
  it("returns migrations in name order with Prisma's checksum (sha256 hex of the file)", async () => {
    const dir = await tempMigrations({
      "migration_lock.toml": LOCK,
      "20260102000000_second/migration.sql": "SELECT 2;\n",
      "20260101000000_first/migration.sql": "SELECT 1;\r\n",
    });
    const migrations = await readMigrations(dir);
    expect(migrations.map((m) => m.name)).toEqual([
      "20260101000000_first",
      "20260102000000_second",
    ]);
    expect(migrations[0]?.checksum).toBe(
      createHash("sha256").update("SELECT 1;\r\n").digest("hex"),
    );
  });

  it("requires a PostgreSQL migration_lock.toml", async () => {
    await expect(readMigrations(await tempMigrations({ "x/migration.sql": "" }))).rejects.toThrow(
      /migration_lock.toml is missing/,
    );
    await expect(
      readMigrations(await tempMigrations({ "migration_lock.toml": 'provider = "sqlite"\n' })),
    ).rejects.toThrow(/expected "postgresql"/);
  });

  it("rejects a migration directory without migration.sql", async () => {
    const dir = await tempMigrations({
      "migration_lock.toml": LOCK,
      "20260101000000_x/notes.md": "",
    });
    await expect(readMigrations(dir)).rejects.toBeInstanceOf(MigrationError);
  });

  it("the committed migrations are well-formed", async () => {
    const migrations = await readMigrations(MIGRATIONS_DIR);
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) {
      expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      // Each migration runs inside the runner's transaction; its own BEGIN/COMMIT would end it early.
      expect(m.sql).not.toMatch(/^\s*(BEGIN|COMMIT|START TRANSACTION)\b/im);
      expect(m.sql).not.toMatch(/\bCONCURRENTLY\b/i);
    }
  });
});
