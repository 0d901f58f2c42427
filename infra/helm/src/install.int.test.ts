import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Brings the global setup's ProvidedContext typing into the program.
import type {} from "@tessera/local-cluster/testing/global-setup";
import { ensureHelm } from "./binaries.ts";
import { installTessera, tesseraHealth, waitForRollout } from "./install.ts";
import { isStatus, kubeRequest } from "./kube.ts";
import { REPO_ROOT } from "./paths.ts";
import { freePort } from "../../docker/bundle.ts";

const NS = "tessera-system";
let kc: KubeConfig;
const tmp = mkdtempSync(join(tmpdir(), "tessera-install-"));
const children: ReturnType<typeof spawn>[] = [];

beforeAll(async () => {
  await ensureHelm();
  kc = await clusterKubeConfig("helm");
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

type Deployment = {
  spec: { replicas: number };
  metadata: { managedFields?: { manager: string; operation: string }[] };
};
const getDeployment = (name: string, ns = NS) =>
  kubeRequest<Deployment>(kc, "GET", `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);

/** A kubeconfig that authenticates as a ServiceAccount (TokenRequest), to run a component with its chart RBAC. */
async function serviceAccountKubeconfig(sa: string): Promise<string> {
  const tr = await kubeRequest<{ status: { token: string } }>(
    kc,
    "POST",
    `/api/v1/namespaces/${NS}/serviceaccounts/${sa}/token`,
    {
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: 3600 },
      },
    },
  );
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no cluster");
  const sakc = new KubeConfig();
  sakc.loadFromOptions({
    clusters: [{ ...cluster, name: "c" }],
    users: [{ name: sa, token: tr.status.token }],
    contexts: [{ name: "c", cluster: "c", user: sa }],
    currentContext: "c",
  });
  const file = join(tmp, `${sa}.kubeconfig`);
  writeFileSync(file, sakc.exportConfig());
  return file;
}

function start(args: string[], env: Record<string, string>): { logs: () => string } {
  let out = "";
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  children.push(child);
  return { logs: () => out };
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  ms = 60_000,
  context: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${String(last)}\n${context().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("install into a local cluster", () => {
  it("applies the rendered chart and the controller and router become Available", async () => {
    const res = await installTessera({ kubeConfig: kc, values: { redis: { mode: "internal" } } });
    expect(res.applied).toEqual(
      expect.arrayContaining([
        "CustomResourceDefinition/modelservings.workload.serving.volcano.sh",
        "ClusterRole/tessera-controller",
        `Deployment/${NS}/tessera-controller`,
        `Deployment/${NS}/tessera-router`,
        `Deployment/${NS}/tessera-redis`,
      ]),
    );
    const health = await waitForRollout(kc, { timeoutMs: 120_000 });
    expect(health.map((h) => [h.component, h.state, h.availableReplicas])).toEqual([
      ["controller", "Available", 2],
      ["redis", "Available", 1],
      ["router", "Available", 2],
    ]);
    const d = await getDeployment("tessera-router");
    expect(
      d.metadata.managedFields?.some(
        (m) => m.manager === "tessera-installer" && m.operation === "Apply",
      ),
    ).toBe(true);
  });

  it("upgrades in place: scales, rolls out, and prunes what the chart no longer renders", async () => {
    const res = await installTessera({
      kubeConfig: kc,
      values: { redis: { mode: "none" }, router: { replicaCount: 3, logLevel: "debug" } },
    });
    expect(res.pruned).toEqual(
      expect.arrayContaining([`Deployment/${NS}/tessera-redis`, `Service/${NS}/tessera-redis`]),
    );
    expect((await getDeployment("tessera-router")).spec.replicas).toBe(3);
    const health = await waitForRollout(kc, { timeoutMs: 120_000 });
    expect(health.find((h) => h.component === "router")).toMatchObject({
      state: "Available",
      availableReplicas: 3,
      updatedReplicas: 3,
      rolledOut: true,
    });
    await until("redis gone", async () => {
      try {
        await getDeployment("tessera-redis");
        return undefined;
      } catch (e) {
        return isStatus(e, 404) ? true : undefined;
      }
    });
    // Re-applying the same values changes nothing and prunes nothing.
    const again = await installTessera({
      kubeConfig: kc,
      values: { redis: { mode: "none" }, router: { replicaCount: 3, logLevel: "debug" } },
    });
    expect(again.pruned).toEqual([]);
  });

  it("reports a component that cannot become available, and waitForRollout fails with it", async () => {
    const ns = "tessera-broken";
    await installTessera({
      kubeConfig: kc,
      namespace: ns,
      releaseName: "broken",
      values: {
        controller: { enabled: false },
        router: { nodeSelector: { "no-such-label": "x" } },
      },
    });
    const health = await until("router degraded", async () => {
      const h = await tesseraHealth(kc, { namespace: ns, releaseName: "broken" });
      return h[0]?.state === "Degraded" ? h : undefined;
    });
    expect(health).toHaveLength(1);
    expect(health[0]).toMatchObject({
      component: "router",
      availableReplicas: 0,
      rolledOut: false,
    });
    await expect(
      waitForRollout(kc, { namespace: ns, releaseName: "broken", timeoutMs: 1_000 }),
    ).rejects.toThrow(/router: Degraded/);
  });

  it("the chart's RBAC is enough for the real controller and router (run with their ServiceAccount tokens)", async () => {
    await installTessera({ kubeConfig: kc }); // idempotent; makes this test runnable alone
    const appNs = "llm";
    await kubeRequest(kc, "PATCH", `/api/v1/namespaces/${appNs}`, {
      query: { fieldManager: "test", force: "true" },
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: appNs } },
      contentType: "application/apply-patch+yaml",
    });
    const controller = start(
      [
        "apps/controller/src/main.ts",
        "--kubeconfig",
        await serviceAccountKubeconfig("tessera-controller"),
        "--health-port",
        "0",
        "--lease-namespace",
        NS,
        "--identity",
        "test-controller",
      ],
      {},
    );
    // A port the OS just handed out (a random one can collide with ephemeral ports in use).
    const routerPort = await freePort();
    const router = start(["apps/router/src/main.ts", "--port", String(routerPort)], {
      KUBECONFIG: await serviceAccountKubeconfig("tessera-router"),
      METRICS_SCRAPE_INTERVAL_MS: "0",
    });
    const ms = {
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "ModelServing",
      metadata: { name: "rbac-check", namespace: appNs },
      spec: {
        replicas: 1,
        schedulerName: "default-scheduler",
        template: {
          roles: [
            {
              name: "server",
              replicas: 1,
              workerReplicas: 0,
              entryTemplate: {
                spec: { containers: [{ name: "engine", image: "vllm/vllm-openai:latest" }] },
              },
            },
          ],
        },
      },
    };
    await kubeRequest(
      kc,
      "POST",
      `/apis/workload.serving.volcano.sh/v1alpha1/namespaces/${appNs}/modelservings`,
      { body: ms },
    );
    // The controller (list/watch, SSA of pods, status patch) creates the entry pod and reports status.
    await until(
      "controller created the entry pod",
      async () => {
        const pods = await kubeRequest<{ items: unknown[] }>(
          kc,
          "GET",
          `/api/v1/namespaces/${appNs}/pods`,
          {
            query: { labelSelector: "modelserving.volcano.sh/name=rbac-check" },
          },
        );
        return pods.items.length > 0 ? true : undefined;
      },
      90_000,
      controller.logs,
    );
    await until(
      "ModelServing status written",
      async () => {
        const o = await kubeRequest<{ status?: { replicas?: number } }>(
          kc,
          "GET",
          `/apis/workload.serving.volcano.sh/v1alpha1/namespaces/${appNs}/modelservings/rbac-check`,
        );
        return o.status?.replicas !== undefined ? true : undefined;
      },
      60_000,
      controller.logs,
    );
    // ModelBooster: its ModelServing, ModelServer and ModelRoute are created by server-side apply.
    await kubeRequest(
      kc,
      "POST",
      `/apis/workload.serving.volcano.sh/v1alpha1/namespaces/${appNs}/modelboosters`,
      {
        body: {
          apiVersion: "workload.serving.volcano.sh/v1alpha1",
          kind: "ModelBooster",
          metadata: { name: "rbac-booster", namespace: appNs },
          spec: {
            backend: {
              name: "backend1",
              type: "vLLM",
              modelURI: "hf://Qwen/Qwen2.5-0.5B-Instruct",
              cacheURI: "hostpath://tmp/cache",
              replicas: 1,
              workers: [
                { type: "server", image: "vllm/vllm-openai-cpu:latest", replicas: 1, pods: 1 },
              ],
            },
          },
        },
      },
    );
    for (const plural of ["modelservers", "modelroutes"])
      await until(
        `ModelBooster child ${plural}`,
        async () => {
          const l = await kubeRequest<{ items: unknown[] }>(
            kc,
            "GET",
            `/apis/networking.serving.volcano.sh/v1alpha1/namespaces/${appNs}/${plural}`,
          );
          return l.items.length > 0 ? true : undefined;
        },
        60_000,
        controller.logs,
      );
    // The lease was created and is held under the chart's Role.
    const lease = await kubeRequest<{ spec?: { holderIdentity?: string } }>(
      kc,
      "GET",
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/tessera-controller`,
    );
    expect(lease.spec?.holderIdentity).toBe("test-controller");
    expect(controller.logs()).not.toMatch(/forbidden/i);
    // /readyz turns 200 only once every informer (ModelRoute, ModelServer, Pod) has synced.
    await until(
      "router /readyz 200",
      async () =>
        (await fetch(`http://127.0.0.1:${routerPort}/readyz`)).status === 200 ? true : undefined,
      60_000,
      router.logs,
    );
    expect(router.logs()).not.toMatch(/forbidden/i);
  });
});
