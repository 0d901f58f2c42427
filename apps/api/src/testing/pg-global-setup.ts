// Vitest global setup: one migrated PostgreSQL database for the whole run (DATABASE_URL's server
// when set, else an embedded server in a temp dir), handed to tests as inject("tesseraApiDatabaseUrl").
// The server runs in a child Node process (pg-server.ts) that stops it when the run ends or dies.
import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    tesseraApiDatabaseUrl: string;
  }
}

export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  // eslint-disable-next-line no-restricted-properties -- test infrastructure, like @tessera/db tests
  if (process.env.TESSERA_TEST_TIER === "unit") {
    project.provide("tesseraApiDatabaseUrl", "");
    return undefined;
  }
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "pg-server.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once("exit", (code) =>
      reject(new Error(`test PostgreSQL failed to start (exit ${String(code)})`)),
    );
  });
  project.provide("tesseraApiDatabaseUrl", url);
  return async () => {
    child.kill("SIGTERM");
    await exited;
  };
}
