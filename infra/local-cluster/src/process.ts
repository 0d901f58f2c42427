// Spawning and stopping the long-running processes of a cluster, tracked by PID (plus the kernel's
// start time, so a recycled PID is never killed by mistake).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { sleep } from "./exec.ts";

export interface ProcessRecord {
  name: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
  startTime: string;
  command: string;
  log: string;
}

export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; fields after the closing parenthesis are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/**
 * True while `pid` runs. A zombie counts as gone: it has exited and only waits to be reaped, and
 * where PID 1 never reaps orphans (some CI containers) `kill(pid, 0)` would call it alive forever.
 */
export function pidRunning(pid: number): boolean {
  return pid > 0 && existsSync(`/proc/${pid}`) && !isZombie(pid);
}

/** True while the recorded process (same PID and start time) is alive. */
export function isAlive(record: Pick<ProcessRecord, "pid" | "startTime">): boolean {
  return pidRunning(record.pid) && procStartTime(record.pid) === record.startTime;
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  log: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts a detached process in its own process group with stdout/stderr appended to `log`,
 * so it outlives the CLI that started it (`up` returns while the cluster keeps running).
 */
export function spawnTracked(spec: SpawnSpec): ProcessRecord {
  const fd = openSync(spec.log, "a");
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: spec.env,
      cwd: spec.cwd,
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    const startTime = procStartTime(child.pid) ?? "";
    return {
      name: spec.name,
      pid: child.pid,
      startTime,
      command: [spec.command, ...spec.args].join(" "),
      log: spec.log,
    };
  } finally {
    closeSync(fd);
  }
}

function signal(record: ProcessRecord, sig: NodeJS.Signals): void {
  if (!isAlive(record)) return;
  try {
    process.kill(-record.pid, sig); // the whole process group (it was started detached)
  } catch {
    try {
      process.kill(record.pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once every process is gone. */
export async function stopProcesses(records: ProcessRecord[], graceMs = 5_000): Promise<void> {
  for (const r of records) signal(r, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (records.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const r of records) signal(r, "SIGKILL");
  const hardDeadline = Date.now() + 5_000;
  while (records.some(isAlive) && Date.now() < hardDeadline) await sleep(50);
}

/** Tail of a process log, for error messages. */
export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
