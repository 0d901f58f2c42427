// Runs the stack's programs as child processes: output prefixed by name, readiness by polling an
// HTTP endpoint, and one shutdown path that stops every child (nothing is left running).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { childEnv } from "./env.ts";

export interface ProgramSpec {
  name: string;
  /** A TypeScript or JavaScript entry file, run with this Node (24). */
  script: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Working directory (default: this process's). */
  cwd?: string;
}

interface Running {
  spec: ProgramSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export class Supervisor {
  readonly #running: Running[] = [];
  readonly #write: (line: string) => void;
  #stopping = false;
  /** Called once when a program exits on its own (not during stop()). */
  onUnexpectedExit: (name: string, code: number | null) => void = () => {};

  constructor(write: (line: string) => void) {
    this.#write = write;
    // Last resort: a parent that dies without stop() must not leave children behind.
    process.once("exit", () => {
      for (const r of this.#running) r.child.kill("SIGKILL");
    });
  }

  start(spec: ProgramSpec): void {
    const child = spawn(process.execPath, [spec.script, ...spec.args], {
      env: childEnv(spec.env),
      cwd: spec.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) =>
        this.#write(`[${spec.name}] ${line}`),
      );
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => {
        if (!this.#stopping) this.onUnexpectedExit(spec.name, code);
        resolve(code);
      });
      child.once("error", (err) => {
        this.#write(`[${spec.name}] failed to start: ${err.message}`);
        resolve(null);
      });
    });
    this.#running.push({ spec, child, exited });
  }

  /** Stops children in reverse start order: SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    for (const r of [...this.#running].reverse()) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.child.kill("SIGTERM");
      const timedOut = await Promise.race([
        r.exited.then(() => false),
        sleep(graceMs).then(() => true),
      ]);
      if (timedOut) {
        this.#write(`[${r.spec.name}] did not stop within ${graceMs} ms; killing it`);
        r.child.kill("SIGKILL");
        await r.exited;
      }
    }
  }

  get pids(): number[] {
    return this.#running.flatMap((r) => (r.child.pid === undefined ? [] : [r.child.pid]));
  }
}

/** Polls `url` until it answers 2xx; fails with the last error after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}
