// `tessera-cluster down`: stop every recorded process (and engine processes) by PID, delete state.
import { existsSync } from "node:fs";
import { readEngineRecords } from "../pod-engines.ts";
import { stopProcesses } from "../process.ts";
import { listStates, readState, removeClusterDir, writeState } from "./state.ts";
import type { ClusterState } from "./state.ts";

export async function stopCluster(
  state: ClusterState,
  options: { keepState?: boolean } = {},
): Promise<void> {
  if (existsSync(state.dir)) {
    state.status = options.keepState ? state.status : "stopping";
    writeState(state);
  }
  // The watchdog may be the caller: never signal ourselves.
  const own = state.processes.filter((p) => p.pid !== process.pid);
  const engines = readEngineRecords(state.dir);
  // Engines and pod-engine supervisor first, then components, etcd last (quiet shutdown logs).
  await stopProcesses([...engines, ...own.filter((p) => p.name === "pod-engines")], 3_000);
  await stopProcesses(
    own.filter((p) => !["pod-engines", "etcd", "kube-apiserver"].includes(p.name)),
    3_000,
  );
  await stopProcesses(
    own.filter((p) => p.name === "kube-apiserver"),
    5_000,
  );
  await stopProcesses(
    own.filter((p) => p.name === "etcd"),
    5_000,
  );
  if (!options.keepState) removeClusterDir(state.name);
}

/** Stops one cluster; false when it does not exist. */
export async function down(name: string): Promise<boolean> {
  const state = readState(name);
  if (!state) {
    removeClusterDir(name);
    return false;
  }
  await stopCluster(state);
  return true;
}

export async function downAll(): Promise<string[]> {
  const states = listStates();
  await Promise.all(states.map((s) => stopCluster(s)));
  return states.map((s) => s.name);
}
