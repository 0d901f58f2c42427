// A detached watchdog per test-owned cluster: when the owning process (the Vitest run) disappears
// without tearing down — a crash, SIGKILL, Ctrl-C — the watchdog stops the cluster.
import { existsSync } from "node:fs";
import { childEnv } from "./env.ts";
import { sleep } from "./exec.ts";
import { CLI_PATH } from "./paths.ts";
import { readEngineRecords } from "./pod-engines.ts";
import { isAlive, procStartTime, spawnTracked, stopProcesses } from "./process.ts";
import type { ProcessRecord } from "./process.ts";
import { stopCluster } from "./cluster/down.ts";
import { readState } from "./cluster/state.ts";
import type { ClusterState } from "./cluster/state.ts";
import { join } from "node:path";

export function startWatchdog(state: ClusterState, ownerPid: number): ProcessRecord {
  const ownerStart = procStartTime(ownerPid) ?? "";
  return spawnTracked({
    name: "watchdog",
    command: process.execPath,
    args: [
      CLI_PATH,
      "watchdog",
      "--name",
      state.name,
      "--owner",
      String(ownerPid),
      "--owner-start",
      ownerStart,
    ],
    log: join(state.dir, "logs", "watchdog.log"),
    env: childEnv(),
  });
}

/** The watchdog loop (runs inside `tessera-cluster watchdog`). */
export async function runWatchdog(
  name: string,
  ownerPid: number,
  ownerStart: string,
): Promise<void> {
  const owner = { pid: ownerPid, startTime: ownerStart };
  // The last state and engines seen: enough to stop everything even if the directory disappears.
  let last: ClusterState | undefined;
  let lastEngines: ProcessRecord[] = [];
  for (;;) {
    const state = readState(name);
    if (!state || !existsSync(state.dir)) {
      // Torn down normally (down() stops every process, this one included, before it deletes the
      // directory), or the directory was deleted under a running cluster (a test's cleanup racing
      // its owner's exit): then stop whatever is still running.
      if (last) await stopLeftovers(last, lastEngines);
      return;
    }
    last = state;
    lastEngines = readEngineRecords(state.dir);
    if (!isAlive(owner)) {
      console.log(
        `${new Date().toISOString()} owner ${ownerPid} is gone: stopping cluster ${name}`,
      );
      try {
        await stopCluster(state);
      } catch (e) {
        console.log(`stopping ${name} failed (${(e as Error).message}); stopping by PID`);
        await stopLeftovers(state, lastEngines);
      }
      return;
    }
    await sleep(500);
  }
}

/** Stops the recorded processes still alive (never this one), without touching the directory. */
async function stopLeftovers(state: ClusterState, engines: ProcessRecord[]): Promise<void> {
  const others = state.processes.filter((p) => p.pid !== process.pid);
  const alive = [...engines, ...others].filter(isAlive);
  if (alive.length === 0) return;
  console.log(
    `${new Date().toISOString()} ${state.name}: its directory is gone but ${alive.length} of its processes run: stopping them`,
  );
  await stopProcesses([...engines, ...others.filter((p) => p.name === "pod-engines")], 3_000);
  await stopProcesses(
    others.filter((p) => p.name !== "pod-engines"),
    3_000,
  );
}
