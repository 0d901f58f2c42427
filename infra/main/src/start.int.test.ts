// The main job as a newcomer runs it: start, answer an OpenAI request through the router, stop
// cleanly with nothing left running. Needs a real PostgreSQL (embedded), hence the integration tier.
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { connect, createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start (the main job)", () => {
  let dataDir = "";
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves an OpenAI request through the router to simulated engines and stops cleanly", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "tessera-main-"));
    // As root, embedded PostgreSQL runs as the `postgres` user, which must be able to enter the dir.
    await chmod(dataDir, 0o755);
    const routerPort = await freePort();
    const apiPort = await freePort();
    const consolePort = await freePort();
    const simPort = await freePort();
    const child = spawn(process.execPath, [path.join(import.meta.dirname, "start.ts")], {
      env: {
        ...process.env,
        INIT_CWD: dataDir,
        TESSERA_DATA_DIR: dataDir,
        TESSERA_ROUTER_PORT: String(routerPort),
        TESSERA_API_PORT: String(apiPort),
        TESSERA_CONSOLE_PORT: String(consolePort),
        TESSERA_SIM_PORT: String(simPort),
        TESSERA_SIM_REPLICAS: "2",
        TESSERA_SIM_FIRST_IP: "127.0.0.41",
        TESSERA_SIM_TIME_SCALE: "0.05",
        DATABASE_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

    const deadline = Date.now() + 240_000;
    while (!output.includes("tessera: ready") && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output, output).toContain("tessera: ready");
    expect(output).toMatch(/database ready \(embedded PostgreSQL/);
    const apiKey = /demo tenant API key\s+(tsk_\S+)/.exec(output)?.[1];
    expect(apiKey, "the demo key is printed").toBeDefined();
    // The demo tenant and key exist in the API, as an operator would see them.
    const password = /operator login\s+\S+ \/ (\S+)/.exec(output)?.[1] ?? "";
    const loginRes = await fetch(`http://127.0.0.1:${apiPort}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@tessera.local", password }),
    });
    expect(loginRes.status).toBe(200);
    const { token } = (await loginRes.json()) as { token: string };
    const tenants = (await (
      await fetch(`http://127.0.0.1:${apiPort}/v1/tenants`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { slug: string }[];
    expect(tenants.map((t) => t.slug)).toContain("demo");
    // The console serves its login page and reaches the API through its same-origin proxy.
    const loginPage = await fetch(`http://127.0.0.1:${consolePort}/login`);
    expect(loginPage.status).toBe(200);
    expect(await loginPage.text()).toMatch(/Tessera/);
    const proxied = await fetch(`http://127.0.0.1:${consolePort}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@tessera.local", password }),
    });
    expect(proxied.status).toBe(200);

    // Tenancy is on: without the printed key the router refuses the request.
    const anonymous = await fetch(`http://127.0.0.1:${routerPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "llama-3-8b", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anonymous.status).toBe(401);
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${routerPort}/v1`, apiKey });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("llama-3-8b");
    const reply = await client.chat.completions.create({
      model: "llama-3-8b",
      messages: [{ role: "user", content: "Hello from the main job test" }],
      max_tokens: 8,
    });
    expect(reply.model).toBe("tessera/llama-3-8b"); // rewritten to ModelServer.spec.model
    expect(reply.usage?.completion_tokens).toBe(8);

    const pgPort = Number(/embedded PostgreSQL on port (\d+)/.exec(output)?.[1] ?? 0);
    expect(pgPort).toBeGreaterThan(0);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("tessera: stopping");
    // The embedded server and the children are gone: their ports no longer answer.
    await expect(fetch(`http://127.0.0.1:${routerPort}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${simPort}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${apiPort}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${consolePort}/login`)).rejects.toThrow();
    expect(await portOpen(pgPort)).toBe(false);
    expect(alive(child.pid ?? 0)).toBe(false);
  });
});
