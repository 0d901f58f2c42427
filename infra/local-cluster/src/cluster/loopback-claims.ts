// Loopback ranges are machine-wide (every cluster's node and pod IPs come from the one 127/8), but
// cluster state lives in a root per TESSERA_DATA_DIR (e.g. `npm start` keeps its cluster under its
// data directory while test runs use ~/.cache/tessera/clusters). Two roots each picking "the
// smallest free index" would hand the same 127.<k>/16 to two clusters, and their engines would
// fight over the same pod IPs. So every index is also claimed machine-wide: a file
// `<cache root>/loopback/<k>` holding the claiming cluster's directory, created exclusively.
//
// A claim whose cluster is gone (directory deleted, or state failed with no live process) is
// taken over. Best effort: two `up`s taking over the same stale claim at the same instant could
// both win; everything else is atomic.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "../env.ts";
import { isAlive } from "../process.ts";
import type { ClusterState } from "./state.ts";

const MAX_INDEX = 250;
/** A claim younger than this whose cluster has no state.json yet is being set up, not stale. */
const SETUP_GRACE_MS = 30_000;

export function claimsDir(): string {
  return join(cacheRoot(), "loopback");
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
}

function readClusterState(dir: string): ClusterState | undefined {
  const text = read(join(dir, "state.json"));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as ClusterState;
  } catch {
    return undefined;
  }
}

/** True when the cluster holding index `index` (its directory `holder`) no longer uses it. */
function isStale(file: string, holder: string, index: number): boolean {
  const state = readClusterState(holder);
  if (!state) {
    const age = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age > SETUP_GRACE_MS;
  }
  if (state.index !== index) return true;
  const anyAlive = state.processes.some(isAlive);
  return !anyAlive && (state.status === "failed" || state.processes.length > 0);
}

/**
 * Claims the smallest loopback index that neither a cluster of this root (`usedHere`) nor a claim
 * of another root holds, for the cluster in directory `clusterDir`. A claim already held by the same
 * directory (a restart) is reused.
 */
export function claimIndex(clusterDir: string, usedHere: ReadonlySet<number>): number {
  const dir = claimsDir();
  mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= MAX_INDEX; i++) {
    if (usedHere.has(i)) continue;
    const file = join(dir, String(i));
    try {
      writeFileSync(file, clusterDir, { flag: "wx" });
      return i;
    } catch {
      // held: ours already, or stale, or someone else's
    }
    const holder = read(file);
    if (holder === undefined) continue; // released meanwhile: leave it to the next round
    if (holder === clusterDir || isStale(file, holder, i)) {
      writeFileSync(file, clusterDir);
      if (read(file) === clusterDir) return i;
    }
  }
  throw new Error(
    `no free loopback range: all ${MAX_INDEX} indices are claimed (see ${dir}; ` +
      "`tessera-cluster down --all` in each data directory, or delete stale files there)",
  );
}

/** Releases `index` if `clusterDir` holds it. */
export function releaseIndex(index: number, clusterDir: string): void {
  const file = join(claimsDir(), String(index));
  if (read(file) === clusterDir) rmSync(file, { force: true });
}
