import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loopbackAddress, startSimServers } from "../server/app.ts";
import type { SimServer } from "../server/app.ts";
import { parseCli } from "./args.ts";

let servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("tessera-sim command line", () => {
  it("parses the documented flags", () => {
    const o = parseCli([
      "--engine",
      "sglang",
      "--model",
      "qwen",
      "--host",
      "0.0.0.0",
      "--port",
      "9000",
      "--preset",
      "7B-A100",
      "--role",
      "prefill",
      "--time-scale",
      "0.01",
      "--seed",
      "4",
      "--replicas",
      "3",
      "--error-rate",
      "0.1",
    ]);
    expect(o).toMatchObject({
      engine: "sglang",
      model: "qwen",
      host: "0.0.0.0",
      port: 9000,
      preset: "7B-A100",
      role: "prefill",
      timeScale: 0.01,
      seed: 4,
      replicas: 3,
      faults: { errorRate: 0.1 },
    });
    expect(() => parseCli(["--engine", "triton"])).toThrow(/--engine/);
    expect(() => parseCli(["--role", "mixed"])).toThrow(/--role/);
    expect(() => parseCli(["--time-scale", "fast"])).toThrow(/number/);
  });

  it("serves several replicas on consecutive loopback addresses, each its own engine", async () => {
    servers = await startSimServers({
      replicas: 3,
      addressing: "loopback",
      port: 0,
      timeScale: 0.01,
      model: "m",
    });
    expect(servers.map((s) => s.host)).toEqual(["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
    const r = await fetch(`${servers[1]?.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hello", max_tokens: 2 }),
    });
    expect(r.status).toBe(200);
    expect(servers.map((s) => s.engine.snapshot().generationTokens)).toEqual([0, 2, 0]);
  });

  it("counts loopback addresses up from --host, across octet boundaries, and never leaves 127/8", () => {
    expect([0, 1, 2].map((i) => loopbackAddress("127.0.0.11", i))).toEqual([
      "127.0.0.11",
      "127.0.0.12",
      "127.0.0.13",
    ]);
    expect(loopbackAddress("127.0.0.255", 1)).toBe("127.0.1.0");
    expect(() => loopbackAddress("10.0.0.1", 0)).toThrow(/127/);
    expect(() => loopbackAddress("127.255.255.254", 1)).toThrow(/leaves/);
  });

  it("runs as a process (Node 24 strips the types) and stops on SIGTERM", async () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      [main, "--engine", "tgi", "--port", "0", "--replicas", "2", "--time-scale", "0.01"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await expect
      .poll(() => out.split("\n").filter((l) => l.includes("listening on")).length, {
        timeout: 10_000,
      })
      .toBe(2);
    const url = /listening on (\S+)/.exec(out)?.[1] ?? "";
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain("tgi_queue_size");
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
