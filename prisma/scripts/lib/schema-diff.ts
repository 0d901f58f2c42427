// Migration SQL authoring without Prisma's native schema engine.
//
// Prisma 7's `migrate diff` needs the native schema engine (not downloadable here). Prisma 6.19
// can run the same differ from its bundled Wasm build when configured with `engine: "js"` and a
// driver adapter. This module runs that pinned CLI on a copy of schema.prisma adjusted for
// Prisma 6 (a placeholder `url`, `engineType = "client"`). The adapter needs a reachable
// PostgreSQL even for a datamodel-to-datamodel diff; callers pass one (the scripts use a
// throwaway embedded server).
//
// Prisma 6 lives in tools/prisma6 with its own package.json and lockfile, installed there on first
// use (`npm ci`): as a dependency of this workspace its `prisma` bin would replace Prisma 7's in
// node_modules/.bin, and @prisma/adapter-pg 6 would clash with 7.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCHEMA_PATH = path.join(PACKAGE_DIR, "schema.prisma");
export const NO_ENGINE = path.join(PACKAGE_DIR, "scripts", "no-schema-engine.sh");
export const PRISMA6_DIR = path.join(PACKAGE_DIR, "tools", "prisma6");
const PRISMA6_VERSION = "6.19.3";

function installedPrisma6(): string | undefined {
  try {
    const pkg = path.join(PRISMA6_DIR, "node_modules", "prisma", "package.json");
    return (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Install tools/prisma6 from its lockfile unless it is already there (a few seconds, once). */
export async function ensurePrisma6(log: (m: string) => void = () => {}): Promise<void> {
  if (installedPrisma6() === PRISMA6_VERSION) return;
  const lock = path.join(PRISMA6_DIR, ".install-lock");
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await fs.mkdir(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} is held; remove it if no install runs`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (installedPrisma6() === PRISMA6_VERSION) return;
    log(`installing Prisma ${PRISMA6_VERSION} into ${path.relative(process.cwd(), PRISMA6_DIR)}`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    await run(
      npm,
      ["ci", "--prefix", PRISMA6_DIR, "--no-audit", "--no-fund", "--ignore-scripts"],
      PRISMA6_DIR,
    );
    if (installedPrisma6() !== PRISMA6_VERSION) {
      throw new Error(`npm ci in ${PRISMA6_DIR} did not install prisma ${PRISMA6_VERSION}`);
    }
  } finally {
    await fs.rmdir(lock).catch(() => undefined);
  }
}

/** Rewrite a Prisma 7 schema so that Prisma 6.19's CLI accepts it. */
export function toPrisma6Schema(schema: string): string {
  const withUrl = schema.replace(
    /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"postgresql")/,
    `$1\n  url = "postgresql://placeholder@127.0.0.1:1/placeholder"`,
  );
  const withEngine = withUrl.replace(
    /(generator\s+\w+\s*\{[^}]*?provider\s*=\s*"prisma-client")/,
    `$1\n  engineType = "client"`,
  );
  if (withUrl === schema || withEngine === withUrl) {
    throw new Error(
      "schema.prisma: expected a postgresql datasource and a prisma-client generator",
    );
  }
  return withEngine;
}

/**
 * Prisma starts a from-empty migration with `CREATE SCHEMA IF NOT EXISTS "public";`. PostgreSQL
 * checks CREATE on the database before it looks whether the schema exists, so that line fails
 * for a least-privilege role that may only create objects in `public`. The schema always exists,
 * so committed migrations leave the line out.
 */
export function withoutPublicSchemaCreation(sql: string): string {
  return sql.replace(
    /^-- CreateSchema\r?\nCREATE SCHEMA IF NOT EXISTS "public";\r?\n(\r?\n)?/m,
    "",
  );
}

export type DiffSource = { empty: true } | { schema: string };

/**
 * SQL that takes a database from `from` to `to` (Prisma schema texts), as Prisma would write it
 * into migration.sql. `databaseUrl` is any reachable PostgreSQL; nothing is written to it.
 */
export async function diffSchemas(
  from: DiffSource,
  to: string,
  databaseUrl: string,
): Promise<string> {
  await ensurePrisma6();
  // Inside tools/prisma6, so that the config's imports resolve to Prisma 6's packages.
  const cache = path.join(PRISMA6_DIR, ".cache");
  const work = path.join(cache, `diff-${process.pid}-${Date.now()}`);
  await fs.mkdir(work, { recursive: true });
  try {
    const toPath = path.join(work, "to.prisma");
    await fs.writeFile(toPath, toPrisma6Schema(to));
    const args = ["migrate", "diff", "--config", path.join(work, "prisma.config.ts")];
    if ("empty" in from) {
      args.push("--from-empty");
    } else {
      const fromPath = path.join(work, "from.prisma");
      await fs.writeFile(fromPath, toPrisma6Schema(from.schema));
      args.push("--from-schema-datamodel", fromPath);
    }
    args.push("--to-schema-datamodel", toPath, "--script");
    await fs.writeFile(
      path.join(work, "prisma.config.ts"),
      [
        `import { defineConfig } from "prisma/config";`,
        `import { PrismaPg } from "@prisma/adapter-pg";`,
        `export default defineConfig({`,
        `  experimental: { adapter: true },`,
        `  engine: "js",`,
        `  schema: ${JSON.stringify(toPath)},`,
        `  adapter: async () => new PrismaPg({ connectionString: ${JSON.stringify(databaseUrl)} }),`,
        `});`,
        ``,
      ].join("\n"),
    );
    const cli = path.join(PRISMA6_DIR, "node_modules", "prisma", "build", "index.js");
    if (!existsSync(cli)) throw new Error(`${cli} is missing`);
    return await run(process.execPath, [cli, ...args], work);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
    await fs.rmdir(cache).catch(() => undefined); // if now empty
  }
}

async function run(command: string, args: string[], cwd: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: NO_ENGINE,
        PRISMA_QUERY_ENGINE_LIBRARY: NO_ENGINE,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else {
        const what = `${path.basename(command)} ${args
          .filter((a) => !a.includes("/"))
          .slice(0, 2)
          .join(" ")}`;
        reject(new Error(`${what} failed (exit ${code}):\n${stderr}${stdout}`));
      }
    });
  });
}
