// End to end through a real router: a tenant admin creates a key over REST, the API pushes the
// Tenant/ApiKey objects into a real local cluster ("west"), a router in Kubernetes mode with tenancy
// on (a child process, as deployed) serves that key within seconds against a simulated engine at a
// pod IP, the router's usage event travels through a real redis-server stream into the API and shows
// up in the tenant's usage, and revoking the key over REST stops it at the router within seconds.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import { createSimModel } from "@tessera/local-cluster/testing";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { usageStreamConsumer } from "./services/usage-stream.ts";
import { createTestApp, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";
import { freePort, nodeBin, repoRoot, routerMain, sleep, stopChild } from "./testing/processes.ts";

const kubeconfigs = inject("tesseraClusterKubeconfigs");
const CLUSTER = "west";
const kubeconfigPath = kubeconfigs[CLUSTER];
const haveCluster = Boolean(kubeconfigPath);

/** Polls `fn` until it returns a value (not undefined) or `ms` elapse; returns the value and time. */
async function within<T>(
  what: string,
  ms: number,
  fn: () => Promise<T | undefined>,
): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  let last = "";
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return { value: v, elapsedMs: Date.now() - start };
    } catch (e) {
      last = e instanceof Error ? e.message : JSON.stringify(e);
    }
    if (Date.now() - start > ms)
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await sleep(100);
  }
}

describe.skipIf(!haveCluster)("router end to end (API → cluster → router → usage)", () => {
  let t: TestApp;
  let admin: { token: string };
  let kc: KubeConfig;
  let core: CoreV1Api;
  let redisProc: ChildProcess | undefined;
  let redisDir: string | undefined;
  let redisUrl: string;
  let consumer: ReturnType<typeof usageStreamConsumer> | undefined;
  let engine: SimServer | undefined;
  let router: ChildProcess | undefined;
  const routerLog: string[] = [];
  let routerUrl: string;
  const ns = unique("e2e");

  beforeAll(async () => {
    // A real redis-server for the usage stream (and the router's quota store).
    redisDir = await fsp.mkdtemp(path.join(os.tmpdir(), "tessera-redis-"));
    const redisPort = await freePort();
    redisProc = spawn(
      "redis-server",
      ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore", cwd: redisDir },
    );
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    const probe = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 100 });
    probe.on("error", () => {});
    for (let i = 0; i < 50; i++) {
      try {
        await probe.connect();
        break;
      } catch {
        await sleep(100);
      }
    }
    probe.disconnect();

    // The API, ingesting the usage stream as main.ts does with TESSERA_REDIS_URL.
    t = await createTestApp({ clusterTimeoutMs: 4000 });
    admin = await t.user("ADMIN");
    consumer = usageStreamConsumer({
      redisUrl,
      stream: "tessera:usage",
      usage: t.services.usage,
      blockMs: 200,
      log: { warn: (obj, msg) => t.logs.push(`${msg} ${JSON.stringify(obj)}`) },
    });
    consumer.start();

    // Model objects and a Ready pod whose IP gets a simulated engine.
    kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath ?? "");
    core = kc.makeApiClient(CoreV1Api);
    await createSimModel(kc, ns);
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: "sim-0", labels: { app: "sim" } },
        spec: {
          containers: [
            {
              name: "engine",
              image: "vllm/vllm-openai:v0.9.0",
              ports: [{ name: "http", containerPort: 8000 }],
            },
          ],
        },
      },
    });
    const { value: podIP } = await within("a pod IP", 30_000, async () => {
      const p = await core.readNamespacedPod({ namespace: ns, name: "sim-0" });
      return p.status?.podIP || undefined;
    });
    engine = await startSimServer({ host: podIP, port: 8000, model: "sim-model" });
  });

  afterAll(async () => {
    await stopChild(router);
    await engine?.close();
    await consumer?.stop();
    await core?.deleteNamespace({ name: ns }).catch(() => undefined);
    await t?.close();
    await stopChild(redisProc, 3000);
    if (redisDir) await fsp.rm(redisDir, { recursive: true, force: true });
  });

  const chat = (key: string) =>
    fetch(`${routerUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: "sim",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 4,
      }),
    });

  it("a new key works within seconds, its usage appears in the API, and revoking it stops it", async () => {
    // Register the cluster.
    const clusterName = unique(CLUSTER);
    const reg = await t.call("POST", "/v1/clusters", admin.token, {
      name: clusterName,
      kubeconfig: fs.readFileSync(kubeconfigPath ?? "", "utf8"),
    });
    expect(reg.statusCode, reg.body).toBe(200);
    const clusterId = reg.json<{ id: string }>().id;

    // A tenant and its admin; the tenant admin creates a key.
    const slug = unique("acme");
    const tres = await t.call("POST", "/v1/tenants", admin.token, { slug, name: `Tenant ${slug}` });
    expect(tres.statusCode, tres.body).toBe(200);
    const tenant = tres.json<{ id: string; slug: string }>();
    const tadmin = await t.user("MEMBER", [{ tenantId: tenant.id, role: "TENANT_ADMIN" }]);
    const created = await t.call("POST", `/v1/tenants/${tenant.id}/keys`, tadmin.token, {
      name: "e2e",
    });
    expect(created.statusCode, created.body).toBe(200);
    const { key, secret } = created.json<{ key: { id: string }; secret: string }>();
    const sync = await t.call("POST", "/v1/clusters/sync-tenants", admin.token, {});
    expect(sync.statusCode, sync.body).toBe(200);

    // The router: Kubernetes mode over all namespaces, tenancy on, usage to the same Redis.
    const port = await freePort();
    routerUrl = `http://127.0.0.1:${port}`;
    router = spawn(nodeBin, [routerMain], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KUBECONFIG: kubeconfigPath,
        ROUTER_HOST: "127.0.0.1",
        ROUTER_PORT: String(port),
        TENANCY_ENABLED: "true",
        TENANCY_REDIS_URL: redisUrl,
        TENANCY_TOKEN_COUNT: "estimate",
        TESSERA_CLUSTER: clusterName,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    router.stdout?.on("data", (d: Buffer) => routerLog.push(d.toString("utf8")));
    router.stderr?.on("data", (d: Buffer) => routerLog.push(d.toString("utf8")));
    const dump = () => `router log:\n${routerLog.join("").slice(-4000)}`;
    await within("the router to listen", 30_000, async () => {
      if (router?.exitCode !== null) throw new Error(`router exited. ${dump()}`);
      const r = await fetch(`${routerUrl}/healthz`).catch(() => undefined);
      return r ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}`);
    });

    // Within 10 s the key works.
    const ok = await within("the key to work at the router", 10_000, async () => {
      const r = await chat(secret);
      if (r.status !== 200) return undefined;
      return (await r.json()) as { model: string; usage?: { completion_tokens: number } };
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}`);
    });
    expect(ok.value.model).toBe("sim-model");
    expect(ok.value.usage?.completion_tokens).toBe(4);
    // Auth is really enforced: an unknown key is refused by the same router.
    expect((await chat("tsk_not-a-real-key")).status).toBe(401);

    // Within 10 s the request shows up in the tenant's usage.
    const usage = await within("usage to appear in the API", 10_000, async () => {
      const r = await t.call(
        "GET",
        `/v1/tenants/${tenant.id}/usage/requests?limit=10`,
        tadmin.token,
      );
      const rows = r.json<Record<string, unknown>[]>();
      return Array.isArray(rows) && rows.length > 0 ? rows : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}\napi logs: ${t.logs.join("").slice(-3000)}`);
    });
    expect(usage.value).toHaveLength(1);
    expect(usage.value[0]).toMatchObject({
      tenantId: tenant.id,
      apiKeyId: key.id,
      model: "sim",
      clusterId,
      modelServer: `${ns}/sim`,
      outputTokens: 4,
      statusCode: 200,
    });

    // Revoke; within 10 s the router refuses the key.
    const revoked = await t.call(
      "POST",
      `/v1/tenants/${tenant.id}/keys/${key.id}/revoke`,
      tadmin.token,
    );
    expect(revoked.statusCode, revoked.body).toBe(200);
    await t.call("POST", "/v1/clusters/sync-tenants", admin.token, {});
    const denied = await within("the router to refuse the revoked key", 10_000, async () => {
      const r = await chat(secret);
      return r.status === 401 ? r : undefined;
    });
    expect(((await denied.value.json()) as { error: { code: string } }).error.code).toBe(
      "invalid_api_key",
    );
    console.log(
      `key works after ${ok.elapsedMs} ms, usage after ${usage.elapsedMs} ms, revoked after ${denied.elapsedMs} ms; usage row: ${JSON.stringify(usage.value[0])}`,
    );
  });
});
