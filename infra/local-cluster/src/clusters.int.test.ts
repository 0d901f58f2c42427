// Several clusters at once, their independence, the CLI lifecycle (up/list/down without leaked
// processes) and engines started for Running pods at their pod IPs.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import { readState } from "./cluster/state.ts";
import type { ClusterState } from "./cluster/state.ts";
import { run, waitFor } from "./exec.ts";
import { CLI_PATH } from "./paths.ts";
import { isAlive } from "./process.ts";
import { clusterKubeConfig } from "./testing/kubeconfig.ts";

describe("two clusters at once", () => {
  it("are independent: own servers, nodes, HyperNodes, pod ranges and objects", async () => {
    const [big, small] = await Promise.all([clusterKubeConfig("big"), clusterKubeConfig("small")]);
    expect(big.getCurrentCluster()?.server).not.toBe(small.getCurrentCluster()?.server);

    const bigNodes = (await big.makeApiClient(CoreV1Api).listNode()).items;
    const smallNodes = (await small.makeApiClient(CoreV1Api).listNode()).items;
    expect(bigNodes).toHaveLength(16);
    expect(smallNodes).toHaveLength(2);
    expect(bigNodes.every((n) => n.status?.capacity?.["nvidia.com/gpu"] === "8")).toBe(true);
    expect(smallNodes.every((n) => n.status?.capacity?.["nvidia.com/gpu"] === "4")).toBe(true);
    const ready = (n: (typeof bigNodes)[number]) =>
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    expect([...bigNodes, ...smallNodes].every(ready)).toBe(true);
    const range = (cidr: string | undefined) => cidr?.split(".").slice(0, 2).join(".");
    const bigRanges = new Set(bigNodes.map((n) => range(n.spec?.podCIDR)));
    const smallRanges = new Set(smallNodes.map((n) => range(n.spec?.podCIDR)));
    expect(bigRanges.size).toBe(1);
    expect(smallRanges.size).toBe(1);
    expect([...bigRanges][0]).not.toBe([...smallRanges][0]);

    const hn = { group: "topology.volcano.sh", version: "v1alpha1", plural: "hypernodes" };
    const bigHn = (await big.makeApiClient(CustomObjectsApi).listClusterCustomObject(hn)) as {
      items: unknown[];
    };
    const smallHn = (await small.makeApiClient(CustomObjectsApi).listClusterCustomObject(hn)) as {
      items: unknown[];
    };
    expect(bigHn.items).toHaveLength(6);
    expect(smallHn.items).toHaveLength(0);

    const name = `only-in-big-${Date.now().toString(36)}`;
    await big.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
    try {
      await expect(small.makeApiClient(CoreV1Api).readNamespace({ name })).rejects.toMatchObject({
        code: 404,
      });
    } finally {
      await big.makeApiClient(CoreV1Api).deleteNamespace({ name });
    }
  });
});

describe("authentication and authorization", () => {
  it("rejects unknown tokens and enforces RBAC for service-account tokens", async () => {
    const kc = await clusterKubeConfig("small");
    const core = kc.makeApiClient(CoreV1Api);
    const server = kc.getCurrentCluster()?.server ?? "";
    const ca = kc.getCurrentCluster()?.caData;
    const get = (token: string, path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpsRequest(
          new URL(path, server),
          {
            headers: { Authorization: `Bearer ${token}` },
            ca: ca ? Buffer.from(ca, "base64") : undefined,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end();
      });
    expect(await get("not-a-token", "/api/v1/namespaces")).toBe(401);

    const ns = `rbac-${Date.now().toString(36)}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    try {
      await core.createNamespacedServiceAccount({
        namespace: ns,
        body: { metadata: { name: "reader" } },
      });
      const { status } = await core.createNamespacedServiceAccountToken({
        name: "reader",
        namespace: ns,
        body: { spec: { audiences: [], expirationSeconds: 600 } },
      });
      const token = status?.token ?? "";
      expect(await get(token, `/api/v1/namespaces/${ns}/pods`)).toBe(403);
      const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
      await rbac.createNamespacedRole({
        namespace: ns,
        body: {
          metadata: { name: "pods" },
          rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
        },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: "pods" },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pods" },
          subjects: [{ kind: "ServiceAccount", name: "reader", namespace: ns }],
        },
      });
      await waitFor(
        "RoleBinding effective",
        async () =>
          (await get(token, `/api/v1/namespaces/${ns}/pods`)) === 200 ? true : undefined,
        10_000,
        200,
      );
      expect(await get(token, "/api/v1/namespaces/default/pods")).toBe(403);
    } finally {
      await core.deleteNamespace({ name: ns });
    }
  });
});

describe("engines for pods", () => {
  it("serves each Running pod that matches the selector at its pod IP, and stops with the pod", async () => {
    const kc = await clusterKubeConfig("big");
    const core = kc.makeApiClient(CoreV1Api);
    const ns = `engines-${Date.now().toString(36)}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const pod = (name: string, labels: Record<string, string>): V1Pod => ({
      metadata: { name, labels, annotations: { "tessera.io/engine-model": "qwen-sim" } },
      spec: {
        containers: [
          {
            name: "engine",
            image: "vllm/vllm-openai:v0.9.0",
            ports: [{ name: "http", containerPort: 8000 }],
          },
        ],
      },
    });
    try {
      await core.createNamespacedPod({
        namespace: ns,
        body: pod("served", { "tessera.io/engine": "sim" }),
      });
      await core.createNamespacedPod({ namespace: ns, body: pod("ignored", { app: "other" }) });
      const ips = await waitFor(
        "pods Running with IPs",
        async () => {
          const pods = (await core.listNamespacedPod({ namespace: ns })).items;
          const ip = (n: string) =>
            pods.find((p) => p.metadata?.name === n && p.status?.phase === "Running")?.status
              ?.podIP;
          const served = ip("served");
          const ignored = ip("ignored");
          return served && ignored ? { served, ignored } : undefined;
        },
        30_000,
        300,
      );
      expect(ips.served).toMatch(/^127\./);
      const body = await waitFor(
        "engine answering at the pod IP",
        async () => {
          const res = await fetch(`http://${ips.served}:8000/v1/models`);
          return res.ok
            ? ((await res.json()) as { data: { id: string }[]; pod: string })
            : undefined;
        },
        20_000,
        300,
      );
      expect(body.data[0]?.id).toBe("qwen-sim");
      expect(body.pod).toBe(`${ns}/served`);
      // The pod without the label gets no engine.
      await expect(fetch(`http://${ips.ignored}:8000/v1/models`)).rejects.toThrow();

      await core.deleteNamespacedPod({ name: "served", namespace: ns, gracePeriodSeconds: 0 });
      await waitFor(
        "engine stopped after the pod was deleted",
        async () => {
          try {
            await fetch(`http://${ips.served}:8000/health`);
            return undefined;
          } catch {
            return true;
          }
        },
        20_000,
        300,
      );
    } finally {
      await core.deleteNamespace({ name: ns });
    }
  });
});

describe("engines for pods with the default command", () => {
  it("runs Tessera's engine simulator (tessera-sim --engine vllm) at the pod IP", async () => {
    const kc = await clusterKubeConfig("small");
    const core = kc.makeApiClient(CoreV1Api);
    const ns = `default-engine-${Date.now().toString(36)}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    try {
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: "vllm-0", labels: { "tessera.io/engine": "tessera-sim" } },
          spec: {
            containers: [
              {
                name: "vllm",
                image: "vllm/vllm-openai:v0.9.0",
                args: ["--model", "Qwen/Qwen2.5-0.5B-Instruct", "--port", "8000"],
                ports: [{ name: "http", containerPort: 8000 }],
              },
            ],
          },
        },
      });
      const ip = await waitFor(
        "pod Running",
        async () => {
          const pod = await core.readNamespacedPod({ name: "vllm-0", namespace: ns });
          return pod.status?.phase === "Running" ? pod.status.podIP : undefined;
        },
        30_000,
        300,
      );
      const models = await waitFor(
        "tessera-sim answering at the pod IP",
        async () => {
          const res = await fetch(`http://${ip}:8000/v1/models`);
          return res.ok ? ((await res.json()) as { data: { id: string }[] }) : undefined;
        },
        30_000,
        300,
      );
      expect(models.data.map((m) => m.id)).toContain("Qwen/Qwen2.5-0.5B-Instruct");
    } finally {
      await core.deleteNamespace({ name: ns });
    }
  });
});

describe("owned clusters", () => {
  it("are torn down by the watchdog when the owning process dies without cleaning up", async () => {
    const name = `owned-${process.pid}`;
    const child = spawn(
      process.execPath,
      [
        CLI_PATH,
        "up",
        "--name",
        name,
        "--foreground",
        "--nodes",
        "1",
        "--scheduler",
        "kube",
        "--no-tessera-crds",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", () => resolve());
        child.on("exit", (code) => reject(new Error(`up exited with ${code}: ${stderr}`)));
      });
      const state = readState(name);
      expect(state?.status).toBe("ready");
      expect(state?.ownerPid).toBe(child.pid);
      expect(state?.processes.map((p) => p.name)).toContain("watchdog");
      child.kill("SIGKILL"); // no chance to clean up
      await waitFor(
        "cluster removed by the watchdog",
        () =>
          Promise.resolve(
            readState(name) === undefined && state?.processes.every((p) => !isAlive(p))
              ? true
              : undefined,
          ),
        30_000,
        200,
      );
    } finally {
      child.kill("SIGKILL");
      if (readState(name)) await run(process.execPath, [CLI_PATH, "down", "--name", name]);
    }
  });
});

describe("tessera-cluster CLI", () => {
  it("up prints a kubeconfig, list shows the cluster, down stops every process it started", async () => {
    const name = `cli-${process.pid}`;
    const cli = (...args: string[]) => run(process.execPath, [CLI_PATH, ...args]);
    let state: ClusterState | undefined;
    try {
      const started = Date.now();
      const upResult = await cli(
        "up",
        "--name",
        name,
        "--nodes",
        "1",
        "--gpus-per-node",
        "2",
        "--scheduler",
        "kube",
        "--no-tessera-crds",
      );
      expect(upResult.code, upResult.stderr).toBe(0);
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(
        `[local-cluster] CLI up (1 node, kube-scheduler) took ${seconds.toFixed(1)}s\n`,
      );
      state = readState(name);
      expect(state?.status).toBe("ready");
      expect(upResult.stdout.trim()).toBe(state?.kubeconfig);
      expect(existsSync(upResult.stdout.trim())).toBe(true);
      expect(state?.processes.map((p) => p.name).sort()).toEqual(
        ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"].sort(),
      );
      expect(state?.processes.every(isAlive)).toBe(true);

      const list = await cli("list", "--json");
      const rows = JSON.parse(list.stdout) as { name: string; status: string; nodes: number }[];
      expect(rows).toContainEqual(expect.objectContaining({ name, status: "ready", nodes: 1 }));

      const downResult = await cli("down", "--name", name);
      expect(downResult.code, downResult.stderr).toBe(0);
      expect(state?.processes.filter(isAlive)).toEqual([]);
      expect(readState(name)).toBeUndefined();
    } finally {
      if (readState(name)) await cli("down", "--name", name);
    }
  });
});
