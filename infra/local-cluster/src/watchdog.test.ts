// The watchdog with stand-in processes (no cluster needed): it stops a cluster whose owner died,
// and the processes of a cluster whose directory was deleted under it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive, procStartTime, spawnTracked, stopProcesses } from "./process.ts";
import type { ProcessRecord } from "./process.ts";
import { runWatchdog } from "./watchdog.ts";

let scratch = "";
const saved: Record<string, string | undefined> = {};
const started: ProcessRecord[] = [];
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "lc-watchdog-"));
  for (const k of ["TESSERA_DATA_DIR", "TESSERA_CACHE_DIR"]) saved[k] = process.env[k];
  process.env.TESSERA_DATA_DIR = join(scratch, "data"); // env.ts reads process.env live
  process.env.TESSERA_CACHE_DIR = join(scratch, "cache");
});
afterEach(async () => {
  await stopProcesses(started.splice(0), 1_000);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** A cluster directory whose state.json records two long-running stand-ins (plus an "engine"). */
function fakeCluster(name: string): { dir: string; records: ProcessRecord[] } {
  const dir = join(scratch, "data", "clusters", name);
  mkdirSync(dir, { recursive: true });
  const sleeper = (n: string) =>
    spawnTracked({
      name: n,
      command: "sleep",
      args: ["60"],
      log: join(scratch, `${n.replace(/\W/g, "_")}.log`),
    });
  const records = [sleeper("etcd"), sleeper("kube-apiserver")];
  const engine = sleeper("engine:default/pod-0");
  started.push(...records, engine);
  writeFileSync(join(dir, "engines.json"), JSON.stringify([engine]));
  const state = { name, dir, index: 1, status: "ready", processes: records };
  writeFileSync(join(dir, "state.json"), JSON.stringify(state));
  return { dir, records: [...records, engine] };
}

describe("watchdog", () => {
  it("stops the cluster when its owner exits", async () => {
    const { dir, records } = fakeCluster("owned");
    const owner = spawn("sleep", ["0.5"]);
    const pid = owner.pid ?? 0;
    const watching = runWatchdog("owned", pid, procStartTime(pid) ?? "");
    await watching;
    expect(records.filter(isAlive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it("stops the processes of a cluster whose directory was deleted under it", async () => {
    const { dir, records } = fakeCluster("orphaned");
    const me = { pid: process.pid, start: procStartTime(process.pid) ?? "" };
    const watching = runWatchdog("orphaned", me.pid, me.start);
    await new Promise((r) => setTimeout(r, 700)); // the watchdog has seen the cluster
    rmSync(dir, { recursive: true, force: true });
    await watching;
    expect(records.filter(isAlive)).toEqual([]);
  });
});
