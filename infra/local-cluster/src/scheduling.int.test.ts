// Volcano on the local clusters: gang scheduling of a PodGroup against the GPUs that exist, and
// HyperNode network-topology-aware placement of a gang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { sleep, waitFor } from "./exec.ts";
import { tierLabel } from "./nodes.ts";
import { clusterKubeConfig } from "./testing/kubeconfig.ts";

const PG = { group: "scheduling.volcano.sh", version: "v1beta1", plural: "podgroups" };

function gpuPod(name: string, group: string, gpus: number): V1Pod {
  return {
    metadata: {
      name,
      labels: { gang: group },
      annotations: { "scheduling.k8s.io/group-name": group },
    },
    spec: {
      schedulerName: "volcano",
      containers: [
        {
          name: "engine",
          image: "vllm/vllm-openai:v0.9.0",
          resources: {
            requests: { "nvidia.com/gpu": String(gpus), cpu: "1" },
            limits: { "nvidia.com/gpu": String(gpus) },
          },
        },
      ],
    },
  };
}

async function createGang(
  kc: KubeConfig,
  namespace: string,
  group: string,
  size: number,
  gpusEach: number,
): Promise<void> {
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...PG,
    namespace,
    body: {
      apiVersion: "scheduling.volcano.sh/v1beta1",
      kind: "PodGroup",
      metadata: { name: group, namespace },
      spec: {
        minMember: size,
        queue: "default",
        minResources: { "nvidia.com/gpu": String(size * gpusEach) },
      },
    },
  });
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(
    Array.from({ length: size }, (_, i) =>
      core.createNamespacedPod({ namespace, body: gpuPod(`${group}-${i}`, group, gpusEach) }),
    ),
  );
}

async function gangPods(kc: KubeConfig, namespace: string, group: string): Promise<V1Pod[]> {
  return (
    await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace, labelSelector: `gang=${group}` })
  ).items;
}

async function newNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${Date.now().toString(36)}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

describe("gang scheduling (PodGroup minMember 12, one GPU per pod)", () => {
  let small: KubeConfig;
  let big: KubeConfig;
  const namespaces: [KubeConfig, string][] = [];
  beforeAll(async () => {
    [small, big] = await Promise.all([clusterKubeConfig("small"), clusterKubeConfig("big")]);
  });
  afterAll(async () => {
    await Promise.all(
      namespaces.map(([kc, name]) => kc.makeApiClient(CoreV1Api).deleteNamespace({ name })),
    );
  });

  it("keeps all 12 pods Pending on a cluster with 8 GPUs, while a gang of 8 fits", async () => {
    const ns = await newNamespace(small, "gang-small");
    namespaces.push([small, ns]);
    await createGang(small, ns, "twelve", 12, 1);
    // Several scheduling cycles (the period is 500 ms): not one pod of the gang may be bound.
    await sleep(6_000);
    const pending = await gangPods(small, ns, "twelve");
    expect(pending).toHaveLength(12);
    expect(pending.filter((p) => p.spec?.nodeName)).toEqual([]);
    expect(new Set(pending.map((p) => p.status?.phase))).toEqual(new Set(["Pending"]));

    // The scheduler is working: a gang that fits (8 × 1 GPU) runs in full...
    await createGang(small, ns, "eight", 8, 1);
    await waitFor(
      "gang of 8 Running",
      async () =>
        (await gangPods(small, ns, "eight")).every((p) => p.status?.phase === "Running")
          ? true
          : undefined,
      60_000,
      500,
    );
    // ...and the 12-gang still has no pod bound (no partial placement).
    expect((await gangPods(small, ns, "twelve")).filter((p) => p.spec?.nodeName)).toEqual([]);
  });

  it("runs all 12 pods on a cluster with enough GPUs", async () => {
    const ns = await newNamespace(big, "gang-big");
    namespaces.push([big, ns]);
    await createGang(big, ns, "twelve", 12, 1);
    const pods = await waitFor(
      "gang of 12 Running",
      async () => {
        const list = await gangPods(big, ns, "twelve");
        return list.length === 12 && list.every((p) => p.status?.phase === "Running")
          ? list
          : undefined;
      },
      60_000,
      500,
    );
    // kwok gave each a pod IP from its node's loopback podCIDR.
    for (const p of pods) expect(p.status?.podIP).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(new Set(pods.map((p) => p.status?.podIP)).size).toBe(12);
    // Volcano reports the gang as Running once it sees the pods run.
    await waitFor(
      "PodGroup phase Running",
      async () => {
        const pg = (await big
          .makeApiClient(CustomObjectsApi)
          .getNamespacedCustomObject({ ...PG, namespace: ns, name: "twelve" })) as {
          status?: { phase?: string };
        };
        return pg.status?.phase === "Running" ? true : undefined;
      },
      30_000,
      500,
    );
  });
});

describe("network-topology-aware scheduling (2 spines × 2 leaves × 4 nodes × 8 GPUs)", () => {
  let kc: KubeConfig;
  let ns: string;
  beforeAll(async () => {
    kc = await clusterKubeConfig("big");
    ns = await newNamespace(kc, "topology");
  });
  afterAll(async () => {
    await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: ns });
  });

  /**
   * A gang as Kthena's controller creates it: a PodGroup with `networkTopology` plus bare pods that
   * name it. (kwok completes pods owned by any kind "Job" at once, so a Volcano Job would finish
   * immediately; the PodGroup carries the same constraint the Job controller would copy onto it.)
   */
  async function topologyGang(name: string, size: number, gpus: number): Promise<void> {
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...PG,
      namespace: ns,
      body: {
        apiVersion: "scheduling.volcano.sh/v1beta1",
        kind: "PodGroup",
        metadata: { name, namespace: ns },
        spec: {
          minMember: size,
          queue: "default",
          networkTopology: { mode: "hard", highestTierAllowed: 1 },
        },
      },
    });
    const core = kc.makeApiClient(CoreV1Api);
    await Promise.all(
      Array.from({ length: size }, (_, i) =>
        core.createNamespacedPod({ namespace: ns, body: gpuPod(`${name}-${i}`, name, gpus) }),
      ),
    );
  }

  it("places a hard tier-1 gang under a single leaf, even when free nodes are spread across leaves", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = (await core.listNode()).items;
    const byLeaf = new Map<string, string[]>();
    for (const n of nodes) {
      const leaf = n.metadata?.labels?.[tierLabel(1)] ?? "";
      byLeaf.set(leaf, [...(byLeaf.get(leaf) ?? []), n.metadata?.name ?? ""]);
    }
    const leaves = [...byLeaf.keys()].sort();
    expect(leaves).toHaveLength(4);
    // Fill two of the four nodes of three leaves with pre-bound 8-GPU pods: 10 nodes stay free, but
    // only the last leaf has four free nodes together.
    const freeLeaf = leaves[3] ?? "";
    const blockers = leaves
      .slice(0, 3)
      .flatMap((leaf) => (byLeaf.get(leaf) ?? []).sort().slice(0, 2));
    await Promise.all(
      blockers.map((node, i) =>
        core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name: `blocker-${i}`, labels: { blocker: "true" } },
            spec: {
              nodeName: node,
              containers: [
                {
                  name: "c",
                  image: "busybox",
                  resources: {
                    requests: { "nvidia.com/gpu": "8" },
                    limits: { "nvidia.com/gpu": "8" },
                  },
                },
              ],
            },
          },
        }),
      ),
    );
    await waitFor(
      "blockers Running",
      async () => {
        const pods = (
          await core.listNamespacedPod({ namespace: ns, labelSelector: "blocker=true" })
        ).items;
        return pods.length === blockers.length && pods.every((p) => p.status?.phase === "Running")
          ? true
          : undefined;
      },
      30_000,
      300,
    );

    await topologyGang("fits", 4, 8);
    const pods = await waitFor(
      "gang Running",
      async () => {
        const list = await gangPods(kc, ns, "fits");
        return list.length === 4 && list.every((p) => p.status?.phase === "Running")
          ? list
          : undefined;
      },
      60_000,
      500,
    );
    const leafOf = new Map(
      nodes.map((n) => [n.metadata?.name ?? "", n.metadata?.labels?.[tierLabel(1)] ?? ""]),
    );
    expect([...new Set(pods.map((p) => leafOf.get(p.spec?.nodeName ?? "")))]).toEqual([freeLeaf]);

    // A gang no single leaf can hold (5 × 8 GPUs > 4 nodes) stays unscheduled, although 6 free nodes
    // remain across the other leaves.
    await topologyGang("too-wide", 5, 8);
    await sleep(6_000);
    const wide = await gangPods(kc, ns, "too-wide");
    expect(wide).toHaveLength(5);
    expect(wide.filter((p) => p.spec?.nodeName)).toEqual([]);
  });
});
