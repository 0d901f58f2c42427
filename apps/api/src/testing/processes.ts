// Helpers for tests that run real processes next to the API (routers, engines) on loopback.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const routerMain = path.join(repoRoot, "apps/router/src/main.ts");
/** Node 24 from node_modules (the system node may be older). */
export const nodeBin = fs.existsSync(path.join(repoRoot, "node_modules/.bin/node"))
  ? path.join(repoRoot, "node_modules/.bin/node")
  : process.execPath;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A port nobody listens on right now at `host`. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(graceMs)]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
