// Processes for the console's integration test: the API (embedded PostgreSQL), the controller, the
// console's production server, a router and redis-server, on free loopback ports, with their output
// kept for diagnostics.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
// The cluster names and kubeconfigs the local-cluster global setup provides to tests.
import type {} from "@tessera/local-cluster/testing/global-setup";

export const REPO = path.resolve(import.meta.dirname, "../../..");
export const CONSOLE_DIR = path.resolve(import.meta.dirname, "..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A redis-server on a free loopback port (no persistence), for the routers' usage stream. */
export async function startRedis(): Promise<{ url: string; proc: Proc }> {
  const port = await freePort();
  const proc = new Proc(
    "redis",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { cwd: tmpdir(), env: {}, command: "redis-server" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(
    "redis-server",
    () =>
      new Promise<boolean>((resolve) => {
        const sock = connect(port, "127.0.0.1", () => {
          sock.end();
          resolve(true);
        });
        sock.once("error", () => resolve(false));
      }),
    10_000,
    proc,
  );
  return { url, proc };
}

export class Proc {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly name: string;
  constructor(
    name: string,
    args: string[],
    opts: { cwd: string; env: Record<string, string | undefined>; command?: string },
  ) {
    this.name = name;
    // eslint-disable-next-line no-restricted-properties -- child processes inherit the test run's environment
    const inherited = process.env;
    this.child = spawn(opts.command ?? process.execPath, args, {
      cwd: opts.cwd,
      env: { ...inherited, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }
  tail(lines = 40): string {
    return this.output.join("").split("\n").slice(-lines).join("\n");
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  proc?: Proc,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null)
      throw new Error(
        `${proc.name} exited (${proc.child.exitCode}) while waiting for ${what}:\n${proc.tail()}`,
      );
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}${proc ? `\n${proc.tail()}` : ""}`,
  );
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url).catch(() => null);
  return res?.ok ?? false;
}

/** `next build` once if there is no production build yet (the budgets are measured on a production build). */
export async function ensureBuild(): Promise<void> {
  if (existsSync(path.join(CONSOLE_DIR, ".next", "BUILD_ID"))) return;
  const p = new Proc("next build", [path.join(REPO, "node_modules/next/dist/bin/next"), "build"], {
    cwd: CONSOLE_DIR,
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  });
  const code = await p.exited;
  if (code !== 0) throw new Error(`next build failed:\n${p.tail(80)}`);
}

/** Minimal tRPC-over-HTTP caller with a bearer session (no transformer: inputs and outputs are JSON). */
export function trpcCaller(apiUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const unwrap = async <T>(res: Response, path: string): Promise<T> => {
    const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
    if (!res.ok || !body.result)
      throw new Error(`${path}: ${res.status} ${body.error?.message ?? JSON.stringify(body)}`);
    return body.result.data;
  };
  return {
    query: async <T>(path: string, input: unknown): Promise<T> =>
      unwrap<T>(
        await fetch(`${apiUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers,
        }),
        path,
      ),
    mutate: async <T>(path: string, input: unknown): Promise<T> =>
      unwrap<T>(
        await fetch(`${apiUrl}/trpc/${path}`, {
          method: "POST",
          headers,
          body: JSON.stringify(input),
        }),
        path,
      ),
  };
}

export async function login(apiUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${apiUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token)
    throw new Error(`login ${email}: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}
