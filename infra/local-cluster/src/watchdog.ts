// A detached watchdog per test-owned cluster: when the owning process (the Vitest run) disappears
// without tearing down — a crash, SIGKILL, Ctrl-C — the watchdog stops the cluster.
import { existsSync } from "node:fs";
import { childEnv } from "./env.ts";
import { sleep } from "./exec.ts";
import { CLI_PATH } from "./paths.ts";
import { isAlive, procStartTime, spawnTracked } from "./process.ts";
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
  for (;;) {
    const state = readState(name);
    if (!state || !existsSync(state.dir)) return; // torn down normally
    if (!isAlive(owner)) {
      console.log(
        `${new Date().toISOString()} owner ${ownerPid} is gone: stopping cluster ${name}`,
      );
      await stopCluster(state);
      return;
    }
    await sleep(500);
  }
}
