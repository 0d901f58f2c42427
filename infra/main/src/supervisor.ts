// Runs the stack's programs as child processes: output prefixed by name, readiness by polling an
// HTTP endpoint, and one shutdown path that stops every child (nothing is left running). Each child
// gets its own process group and is signalled as a group, so what it starts in turn (the Go
// compilers of a binaries build, Next.js workers) stops with it.
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
  /** Called with each output line (after it is printed). */
  onLine?: (line: string) => void;
  /**
   * Called when the program exits on its own, instead of the supervisor's onUnexpectedExit (which
   * stops the whole stack): for optional programs such as the background cluster's.
   */
  onExit?: (code: number | null) => void;
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
      for (const r of this.#running) signal(r.child, "SIGKILL");
    });
  }

  /** Starts a long-running program; its exit before stop() counts as unexpected. */
  start(spec: ProgramSpec): void {
    this.#spawn(spec);
  }

  /**
   * Runs a program that is expected to finish (e.g. a build) and resolves with its exit code; it is
   * still stopped with everything else by stop().
   */
  run(spec: ProgramSpec): Promise<number | null> {
    return this.#spawn({ ...spec, onExit: spec.onExit ?? (() => {}) }).exited;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  #spawn(spec: ProgramSpec): Running {
    // Nothing new once stopping: a background step finishing late must not leave a child behind.
    if (this.#stopping) throw new Error(`not starting ${spec.name}: the stack is stopping`);
    const child = spawn(process.execPath, [spec.script, ...spec.args], {
      env: childEnv(spec.env),
      cwd: spec.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group (signalled as a whole; see signal())
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        this.#write(`[${spec.name}] ${line}`);
        spec.onLine?.(line);
      });
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => {
        // The program is gone; anything it left in its group goes too.
        signal(child, "SIGKILL");
        if (!this.#stopping) (spec.onExit ?? ((c) => this.onUnexpectedExit(spec.name, c)))(code);
        resolve(code);
      });
      child.once("error", (err) => {
        this.#write(`[${spec.name}] failed to start: ${err.message}`);
        resolve(null);
      });
    });
    const running = { spec, child, exited };
    this.#running.push(running);
    return running;
  }

  /** Stops children in reverse start order: SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    for (const r of [...this.#running].reverse()) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      signal(r.child, "SIGTERM");
      const timedOut = await Promise.race([
        r.exited.then(() => false),
        sleep(graceMs).then(() => true),
      ]);
      if (timedOut) {
        this.#write(`[${r.spec.name}] did not stop within ${graceMs} ms; killing it`);
        signal(r.child, "SIGKILL");
        await r.exited;
      }
    }
  }

  get pids(): number[] {
    return this.#running.flatMap((r) => (r.child.pid === undefined ? [] : [r.child.pid]));
  }
}

/** Signals the child's whole process group (it was started detached), else the child alone. */
function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
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
