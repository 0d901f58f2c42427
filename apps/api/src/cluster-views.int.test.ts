// What the console reads from a real local cluster ("west"): resources.list (allow-listed kinds,
// managedFields trimmed, label selectors, unserved kinds) and the routers' debug views through
// routing.endpoints / routing.decisions. The router is a real process in file mode in front of a
// simulated engine, both on loopback addresses, registered in the cluster by a Service annotated
// tessera.io/admin-url (the apiserver will not proxy to loopback). Two more router Services cannot be
// read (no pods behind the service proxy; an admin URL nobody listens on) and must only cost their
// own entry.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ResourceList } from "./clusters/resources.ts";
import type { RoutingDecision, RoutingEndpoint, RouterReadStatus } from "./services/routing.ts";
import { createTestApp, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";
import { freePort, nodeBin, repoRoot, routerMain, sleep, stopChild } from "./testing/processes.ts";

const kubeconfigs = inject("tesseraClusterKubeconfigs");
const kubeconfigPath = kubeconfigs["west"];

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last = "";
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${last}`);
    await sleep(200);
  }
}

describe.skipIf(!kubeconfigPath)(
  "cluster views for the console (real cluster, real router)",
  () => {
    let t: TestApp;
    let operator: string;
    let tenantAdmin: string;
    let clusterId: string;
    let kc: KubeConfig;
    let core: CoreV1Api;
    let engine: SimServer | undefined;
    let router: ChildProcess | undefined;
    const routerLog: string[] = [];
    let tmp: string;
    const ns = unique("views");
    // Loopback addresses of their own, so parallel test files never collide.
    const octet = 100 + Math.floor(Math.random() * 150);
    const engineHost = `127.0.0.${octet}`;
    const routerHost = `127.0.0.${octet + 1}`;
    let routerPort: number;
    let adminPort: number;
    let endpointId: string;

    beforeAll(async () => {
      t = await createTestApp({ clusterTimeoutMs: 4000 });
      const admin = await t.user("ADMIN");
      operator = (await t.user("OPERATOR")).token;
      const sys = { actor: null };
      const tenant = await t.services.tenants.create(sys, { slug: unique("views"), name: "Views" });
      tenantAdmin = (await t.user("MEMBER", [{ tenantId: tenant.id, role: "TENANT_ADMIN" }])).token;
      const reg = await t.call("POST", "/v1/clusters", admin.token, {
        name: unique("west"),
        kubeconfig: fs.readFileSync(kubeconfigPath ?? "", "utf8"),
      });
      expect(reg.statusCode, reg.body).toBe(200);
      clusterId = reg.json<{ id: string }>().id;
      kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath ?? "");
      core = kc.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: ns } } });

      // A simulated engine and a router in file mode in front of it.
      engine = await startSimServer({ host: engineHost, port: 0, model: "sim-model" });
      endpointId = `default/sim-0:${engine.port}`;
      tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "tessera-views-"));
      const config = path.join(tmp, "router.yaml");
      await fsp.writeFile(
        config,
        [
          `apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata: {name: sim, namespace: default}
spec:
  model: sim-model
  inferenceEngine: vLLM
  workloadPort: {port: ${engine.port}}
  workloadSelector: {matchLabels: {app: sim}}`,
          `apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata: {name: sim, namespace: default}
spec:
  modelName: sim
  rules: [{name: default, targetModels: [{modelServerName: sim}]}]`,
          `apiVersion: v1
kind: Pod
metadata: {name: sim-0, namespace: default, labels: {app: sim}}
status:
  phase: Running
  podIP: ${engineHost}
  conditions: [{type: Ready, status: "True"}]`,
        ].join("\n---\n"),
      );
      routerPort = await freePort(routerHost);
      adminPort = await freePort(routerHost);
      router = spawn(
        nodeBin,
        [
          routerMain,
          "--config",
          config,
          "--host",
          routerHost,
          "--port",
          String(routerPort),
          "--metrics-port",
          String(adminPort),
        ],
        {
          cwd: repoRoot,
          env: { ...process.env, LOG_LEVEL: "warn" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      router.stdout?.on("data", (d: Buffer) => routerLog.push(d.toString("utf8")));
      router.stderr?.on("data", (d: Buffer) => routerLog.push(d.toString("utf8")));
      await until("the router to be ready", 30_000, async () => {
        if (router?.exitCode !== null) throw new Error(`router exited: ${routerLog.join("")}`);
        const r = await fetch(`http://${routerHost}:${adminPort}/readyz`);
        return r.ok ? true : undefined;
      });
      const chat = await fetch(`http://${routerHost}:${routerPort}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "views-req-1" },
        body: JSON.stringify({
          model: "sim",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 4,
        }),
      });
      expect(chat.status, await chat.text()).toBe(200);

      // Router Services: one reachable by its admin URL, two that cannot be read.
      const service = (name: string, annotations?: Record<string, string>) =>
        core.createNamespacedService({
          namespace: ns,
          body: {
            metadata: {
              name,
              labels: { "tessera.io/component": "router" },
              ...(annotations ? { annotations } : {}),
            },
            spec: {
              selector: { app: `${name}-nothing` },
              ports: [
                { name: "http", port: 8080 },
                { name: "metrics", port: 9090 },
              ],
            },
          },
        });
      await service("router-direct", {
        "tessera.io/admin-url": `http://${routerHost}:${adminPort}`,
      });
      await service("router-in-cluster");
      const closed = await freePort(routerHost);
      await service("router-gone", { "tessera.io/admin-url": `http://${routerHost}:${closed}/` });

      // A Deployment whose pods carry ownerReferences (kwok runs them).
      await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: ns,
        body: {
          metadata: { name: "web", labels: { app: "web" } },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: "web" } },
            template: {
              metadata: { labels: { app: "web", tier: "front" } },
              spec: { containers: [{ name: "c", image: "nginx" }] },
            },
          },
        },
      });
    });

    afterAll(async () => {
      await stopChild(router);
      await engine?.close();
      await core?.deleteNamespace({ name: ns }).catch(() => undefined);
      await t?.close();
      if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
    });

    const resources = (query: string, token = operator) =>
      t.call("GET", `/v1/clusters/${clusterId}/resources?${query}`, token);

    it("lists allow-listed kinds as Kubernetes objects without managedFields", async () => {
      const nodes = await resources("kind=Node");
      expect(nodes.statusCode, nodes.body).toBe(200);
      const list = nodes.json<ResourceList>();
      expect(list).toMatchObject({ kind: "Node", served: true });
      expect(list.items).toHaveLength(2);
      for (const n of list.items) {
        expect(n).toMatchObject({ apiVersion: "v1", kind: "Node" });
        expect(n.metadata.name).toBeTypeOf("string");
        expect(n.metadata.labels).toBeTypeOf("object");
        expect(n.status).toBeTypeOf("object");
      }
      expect(nodes.body).not.toContain("managedFields");

      const pods = await until("the Deployment's pods", 30_000, async () => {
        const r = await resources(
          `kind=Pod&namespace=${ns}&labelSelector=${encodeURIComponent("app=web,tier in (front)")}`,
        );
        const l = r.json<ResourceList>();
        return l.items?.length === 2 ? l : undefined;
      });
      for (const p of pods.items) {
        expect(p.metadata.namespace).toBe(ns);
        expect(p.metadata.labels).toMatchObject({ app: "web", tier: "front" });
        expect(p.metadata.ownerReferences?.[0]).toMatchObject({
          kind: "ReplicaSet",
          controller: true,
        });
        expect(p.spec).toMatchObject({ containers: [expect.objectContaining({ image: "nginx" })] });
      }
      const none = await resources(
        `kind=Pod&namespace=${ns}&labelSelector=${encodeURIComponent("app=web,tier!=front")}`,
      );
      expect(none.json<ResourceList>().items).toEqual([]);
      const deployments = await resources(`kind=Deployment&namespace=${ns}`);
      expect(deployments.json<ResourceList>().items.map((d) => d.metadata.name)).toEqual(["web"]);
    });

    it("reports a kind the cluster does not serve as served: false naming it", async () => {
      const r = await resources("kind=AutoscalingPolicyBinding");
      expect(r.statusCode, r.body).toBe(200);
      const unserved = r.json<ResourceList>();
      expect(unserved).toMatchObject({
        kind: "AutoscalingPolicyBinding",
        served: false,
        items: [],
      });
      expect(unserved.reason).toContain("AutoscalingPolicyBinding");
      // Kthena's kinds are served (CRDs installed by the local cluster).
      expect((await resources("kind=ModelServing")).json<ResourceList>().served).toBe(true);
    });

    it("rejects a bad kind or label selector with a 400 naming the field", async () => {
      const bad = await resources(`kind=Pod&labelSelector=${encodeURIComponent("app=web,,x")}`);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain("query.labelSelector");
      const secret = await resources("kind=Secret");
      expect(secret.statusCode).toBe(400);
      expect(secret.body).toContain("query.kind");
      expect((await resources("kind=Node", tenantAdmin)).statusCode).toBe(403);
    });

    it("routing.endpoints: what the router sees of its endpoints; unreadable routers get their own entry", async () => {
      const started = Date.now();
      const res = await t.call("GET", `/v1/clusters/${clusterId}/routing/endpoints`, operator);
      expect(res.statusCode, res.body).toBe(200);
      expect(Date.now() - started).toBeLessThan(4000);
      const body = res.json<{ routers: RouterReadStatus[]; endpoints: RoutingEndpoint[] }>();
      const routers = Object.fromEntries(body.routers.map((r) => [r.router, r]));
      expect(routers[`${ns}/router-direct`]).toEqual({
        router: `${ns}/router-direct`,
        via: "admin-url",
        ok: true,
      });
      expect(routers[`${ns}/router-in-cluster`]).toMatchObject({ via: "service-proxy", ok: false });
      expect(routers[`${ns}/router-in-cluster`]?.error).toContain("no endpoints available");
      expect(routers[`${ns}/router-gone`]).toMatchObject({ via: "admin-url", ok: false });
      expect(routers[`${ns}/router-gone`]?.error).toContain("ECONNREFUSED");
      const mine = body.endpoints.filter((e) => e.router === `${ns}/router-direct`);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        modelServer: "default/sim",
        endpoint: `${engineHost}:${engine?.port}`,
        pod: "default/sim-0",
        healthy: true,
        inFlight: 0,
      });
      for (const field of ["running", "waiting", "kvCacheUsage"] as const)
        expect(mine[0]?.[field], field).toBeTypeOf("number");
      expect(mine[0]?.metricsAgeMs).toBeGreaterThanOrEqual(0);
      expect(mine[0]?.metricsAgeMs).toBeLessThan(5000);

      const filtered = async (q: string) =>
        (await t.call("GET", `/v1/clusters/${clusterId}/routing/endpoints?${q}`, operator))
          .json<{ endpoints: RoutingEndpoint[] }>()
          .endpoints.filter((e) => e.router === `${ns}/router-direct`).length;
      expect(await filtered("modelServer=sim")).toBe(1);
      expect(await filtered("modelServer=default/sim")).toBe(1);
      expect(await filtered("modelServer=other")).toBe(0);
      expect(await filtered("namespace=default")).toBe(1);
      expect(await filtered(`namespace=${ns}`)).toBe(0);
    });

    it("routing.decisions: the last scheduling decisions with every candidate's scores", async () => {
      const res = await t.call(
        "GET",
        `/v1/clusters/${clusterId}/routing/decisions?limit=10`,
        operator,
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ routers: RouterReadStatus[]; decisions: RoutingDecision[] }>();
      expect(body.routers.filter((r) => r.ok).map((r) => r.router)).toEqual([
        `${ns}/router-direct`,
      ]);
      const d = body.decisions.find((x) => x.requestId === "views-req-1");
      expect(d).toMatchObject({
        router: `${ns}/router-direct`,
        model: "sim",
        modelServer: "default/sim",
        picked: [endpointId],
      });
      expect(d?.candidates.map((c) => c.pod)).toEqual([endpointId]);
      expect(d?.candidates[0]?.total).toBeTypeOf("number");
      expect(Object.keys(d?.candidates[0]?.scores ?? {}).length).toBeGreaterThan(0);
      expect(Date.parse(d?.at ?? "")).toBeGreaterThan(Date.now() - 120_000);

      const bad = await t.call(
        "GET",
        `/v1/clusters/${clusterId}/routing/decisions?limit=0`,
        operator,
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain("query.limit");
      const refused = await t.call(
        "GET",
        `/v1/clusters/${clusterId}/routing/decisions`,
        tenantAdmin,
      );
      expect(refused.statusCode).toBe(403);
    });
  },
);
