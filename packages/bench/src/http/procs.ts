// Child processes (engines, router, peers) for HTTP-mode benchmarks, started and stopped by pid.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { request } from "undici";
import { childEnv } from "../env.ts";

export interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

export const NODE = process.execPath;

/** Spawns a process, optionally waiting for a line on stdout that contains `readyText`. */
export async function startChild(
  cmd: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; readyText?: string; cpu?: string; timeoutMs?: number } = {},
): Promise<Child> {
  const argv = opts.cpu !== undefined ? ["-c", opts.cpu, cmd, ...args] : [...args];
  const proc = spawn(opts.cpu !== undefined ? "taskset" : cmd, argv, {
    env: childEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const child: Child = {
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
        proc.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill("SIGTERM");
      }),
  };
  const ready = opts.readyText;
  if (ready !== undefined) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`${cmd} not ready after ${opts.timeoutMs ?? 20000} ms: ${err}`));
      }, opts.timeoutMs ?? 20_000);
      proc.stdout?.on("data", (d: Buffer) => {
        out = (out + d.toString()).slice(-4000);
        if (out.includes(ready)) {
          clearTimeout(t);
          resolve();
        }
      });
      proc.once("exit", (code) => {
        clearTimeout(t);
        reject(new Error(`${cmd} exited with ${code}: ${err}`));
      });
    });
  } else {
    proc.stdout?.resume();
  }
  return child;
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200. */
export async function waitHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await request(url);
      await r.body.text();
      if (r.statusCode === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
