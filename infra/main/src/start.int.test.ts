// The main job as a newcomer runs it: start, answer an OpenAI request through the router, bring up
// the background local cluster (registered, healthy, serving the demo model through a router in
// Kubernetes mode), stop cleanly with nothing left running. Needs a real PostgreSQL (embedded) and
// the cluster binaries (CI builds them before `npm test`), hence the integration tier.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { alive, freePort } from "./test-processes.ts";

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

describe("npm start (the main job)", () => {
  let dataDir = "";
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves an OpenAI request through the router, brings up the local cluster and stops cleanly", async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "tessera-main-"));
    // As root, embedded PostgreSQL runs as the `postgres` user, which must be able to enter the dir.
    await chmod(dataDir, 0o755);
    const routerPort = await freePort();
    const apiPort = await freePort();
    const consolePort = await freePort();
    const simPort = await freePort();
    const clusterRouterPort = await freePort();
    const controllerPort = await freePort();
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
        TESSERA_CLUSTER_ROUTER_PORT: String(clusterRouterPort),
        TESSERA_CONTROLLER_PORT: String(controllerPort),
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

    // The background cluster: registered and healthy within a bound (binaries already built), its
    // progress reported to the API on the way, the demo model served by a ModelServing the
    // controller reconciled, behind a router in Kubernetes mode that the API can see.
    const api = async <T>(p: string): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${apiPort}${p}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
      return (await res.json()) as T;
    };
    const clusterDeadline = Date.now() + 150_000;
    let local: { id: string; name: string; status: string } | undefined;
    while (Date.now() < clusterDeadline && child.exitCode === null) {
      const clusters = await api<{ id: string; name: string; status: string }[]>("/v1/clusters");
      local = clusters.find((c) => c.name === "local");
      if (local?.status === "HEALTHY" && output.includes("local cluster local is ready")) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(local?.status, output.slice(-6000)).toBe("HEALTHY");
    expect(output).toContain("local cluster local is ready");
    const provisioning = await api<
      {
        name: string;
        phase: string;
        progress: { done: number; total: number } | null;
        clusterId: string | null;
      }[]
    >("/v1/clusters/provisioning");
    expect(provisioning.find((p) => p.name === "local")).toMatchObject({
      phase: "Ready",
      progress: { done: 8, total: 8 },
      clusterId: local?.id,
    });
    // Every step on the way was reported, and the API accepted every report.
    for (const step of [
      "Pending: queued",
      "Starting: etcd",
      "Starting: register",
      "Starting: router",
    ])
      expect(output).toContain(`local cluster local: ${step}`);
    expect(output).not.toContain("could not report local cluster progress");
    const routers =
      await api<
        { cluster: string; ok: boolean; value?: { name: string; adminUrl?: string | null }[] }[]
      >("/v1/routers");
    expect(routers.find((r) => r.cluster === "local")?.value?.[0]?.adminUrl).toBe(
      `http://127.0.0.1:${clusterRouterPort}`,
    );
    const viaCluster = new OpenAI({ baseURL: `http://127.0.0.1:${clusterRouterPort}/v1`, apiKey });
    const clusterReply = await viaCluster.chat.completions.create({
      model: "llama-3-8b",
      messages: [{ role: "user", content: "Hello through the local cluster" }],
      max_tokens: 4,
    });
    expect(clusterReply.usage?.completion_tokens).toBe(4);
    const controllerMetrics = await fetch(`http://127.0.0.1:${controllerPort}/metrics`);
    expect(await controllerMetrics.text()).toContain("tessera_controller_");

    // Every process of the cluster (control plane, watchdog, pod engines) is recorded by PID.
    const clusterDir = path.join(dataDir, "clusters", "local");
    const state = JSON.parse(await readFile(path.join(clusterDir, "state.json"), "utf8")) as {
      processes: { name: string; pid: number }[];
    };
    const engines = JSON.parse(await readFile(path.join(clusterDir, "engines.json"), "utf8")) as {
      pid: number;
    }[];
    const clusterPids = [...state.processes.map((p) => p.pid), ...engines.map((e) => e.pid)];
    expect(state.processes.map((p) => p.name)).toEqual(
      expect.arrayContaining(["etcd", "kube-apiserver", "vc-scheduler", "kwok", "watchdog"]),
    );
    expect(engines.length).toBe(2); // TESSERA_SIM_REPLICAS serving pods
    expect(clusterPids.every(alive)).toBe(true);

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
    await expect(fetch(`http://127.0.0.1:${clusterRouterPort}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${controllerPort}/healthz`)).rejects.toThrow();
    // The cluster is torn down: no process left, its state directory gone.
    expect(clusterPids.filter(alive)).toEqual([]);
    expect(existsSync(clusterDir)).toBe(false);
  });
});
