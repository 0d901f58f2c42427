// A throwaway redis-server on a free loopback port (no persistence), for benchmarks that need the
// router's Redis-backed code paths. Needs `redis-server` on PATH.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./procs.ts";

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** `cpu`: pin the server to this CPU list (taskset), e.g. away from the core a proxy is measured on. */
export async function startRedis(opts: { cpu?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child =
    opts.cpu !== undefined
      ? spawn("taskset", ["-c", opts.cpu, "redis-server", ...args], { stdio: "ignore" })
      : spawn("redis-server", args, { stdio: "ignore" });
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (e) => reject(new Error(`redis-server: ${e.message}`))),
  );
  const end = Date.now() + 5_000;
  for (;;) {
    const ok = await Promise.race([
      spawnError,
      new Promise<boolean>((res) => {
        const c = connect(port, "127.0.0.1", () => {
          c.end();
          res(true);
        });
        c.on("error", () => res(false));
      }),
    ]);
    if (ok) break;
    if (Date.now() > end) throw new Error("redis-server did not start within 5 s");
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
      }),
  };
}
