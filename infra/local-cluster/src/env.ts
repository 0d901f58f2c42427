// The only place this package reads the process environment.
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";

const env = process.env;

/** Root of everything this package caches outside the repository (binaries, Go sources). */
export function cacheRoot(): string {
  if (env.TESSERA_CACHE_DIR) return env.TESSERA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tessera");
}

/**
 * Where per-cluster state (data dirs, logs, kubeconfig, PIDs) lives:
 * `$TESSERA_DATA_DIR/clusters` when TESSERA_DATA_DIR is set, else `~/.cache/tessera/clusters`.
 */
export function clustersRoot(): string {
  if (env.TESSERA_DATA_DIR) return join(env.TESSERA_DATA_DIR, "clusters");
  return join(cacheRoot(), "clusters");
}

/** An explicit Go binary to use for builds (`TESSERA_GO`), if any. */
export function goOverride(): string | undefined {
  return env.TESSERA_GO || undefined;
}

/** The PATH, for looking up executables. */
export function searchPath(): string[] {
  return (env.PATH ?? "").split(":").filter(Boolean);
}

/** A copy of the environment for child processes, with overrides applied. */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** True when only unit tests run (`npm run test:unit`): no clusters are started. */
export function unitTierOnly(): boolean {
  return env.TESSERA_TEST_TIER === "unit";
}

/** Whether the terminal wants colour-free, line-oriented progress (always true in CI). */
export function isCI(): boolean {
  return Boolean(env.CI);
}

/**
 * Build parallelism for `go build -p`: TESSERA_GO_BUILD_P, else every CPU under CI (a fresh machine
 * building for itself), else 1 so a shared 2-core development machine keeps a core free.
 */
export function goBuildParallelism(): number {
  const n = Number(env.TESSERA_GO_BUILD_P);
  if (Number.isInteger(n) && n > 0) return n;
  return isCI() ? availableParallelism() : 1;
}

/** Value of the named environment variable (for the few generic cases, e.g. engine commands). */
export function envVar(name: string): string | undefined {
  return env[name];
}
