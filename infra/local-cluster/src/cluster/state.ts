// Per-cluster state on disk: <clustersRoot>/<name>/state.json plus data dirs, logs and kubeconfig.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { clustersRoot } from "../env.ts";
import { sleep } from "../exec.ts";
import type { ProcessRecord } from "../process.ts";
import { releaseIndex } from "./loopback-claims.ts";

export type SchedulerMode = "volcano" | "kube";

export interface ClusterState {
  name: string;
  dir: string;
  /** Second octet of this cluster's loopback /16 (pod and node IPs are 127.<index>.x.y). */
  index: number;
  createdAt: string;
  status: "starting" | "ready" | "stopping" | "failed";
  server: string;
  kubeconfig: string;
  ports: Record<string, number>;
  scheduler: SchedulerMode;
  nodes: string[];
  hyperNodes: string[];
  /** PID whose exit tears the cluster down (test runs); absent for clusters started from the CLI. */
  ownerPid?: number;
  processes: ProcessRecord[];
  error?: string;
  /** Tessera CRDs the apiserver rejected (name: reason). */
  crdErrors?: string[];
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

export function validateName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new Error(
      `invalid cluster name ${JSON.stringify(name)}: use lower-case letters, digits and '-' (≤40)`,
    );
  }
  return name;
}

export function clusterDir(name: string): string {
  return join(clustersRoot(), validateName(name));
}

export function statePath(name: string): string {
  return join(clusterDir(name), "state.json");
}

export function readState(name: string): ClusterState | undefined {
  const p = statePath(name);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Atomically rewrites state.json. */
export function writeState(state: ClusterState): void {
  mkdirSync(state.dir, { recursive: true });
  const tmp = `${statePath(state.name)}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, statePath(state.name));
}

export function listStates(): ClusterState[] {
  const root = clustersRoot();
  if (!existsSync(root)) return [];
  const out: ClusterState[] = [];
  for (const entry of readdirSync(root)) {
    if (!NAME_RE.test(entry)) continue;
    const s = readState(entry);
    if (s) out.push(s);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function removeClusterDir(name: string): void {
  const state = readState(name);
  if (state) releaseIndex(state.index, state.dir);
  rmSync(clusterDir(name), { recursive: true, force: true });
}

/**
 * Cross-process lock around reading-then-reserving cluster names and indices
 * (an exclusively created lock file; stale after 30 s).
 */
export async function withClustersLock<T>(fn: () => T | Promise<T>): Promise<T> {
  const root = clustersRoot();
  mkdirSync(root, { recursive: true });
  const lock = join(root, ".lock");
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30_000) rmSync(lock, { force: true });
      } catch {
        // vanished meanwhile
      }
      if (Date.now() > deadline) throw new Error(`could not take ${lock}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
