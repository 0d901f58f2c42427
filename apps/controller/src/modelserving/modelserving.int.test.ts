// Done-when tests against a real cluster (kube-apiserver + Volcano v1.14 + kwok GPU nodes from
// @tessera/local-cluster; topology 2 spines × 2 leaves × 4 nodes × 8 GPUs). The controller runs
// in-process so tests can restart it.
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
// Brings in the `inject("tesseraClusterKubeconfigs")` typing the global setup declares.
import type {} from "@tessera/local-cluster/testing/global-setup";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourcePath } from "../k8s/resources.ts";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import { Informer } from "../runtime/informer.ts";
import { TestCluster, running, waitFor } from "../testing/cluster.ts";
import { startController } from "../testing/harness.ts";
import type { RunningController } from "../testing/harness.ts";

const LOG = process.env["TESSERA_TEST_LOG"] ?? "silent";
let kc: KubeConfig;
let cluster: TestCluster;
let controller: RunningController;

type MS = KubeObject & {
  status?: {
    replicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
};

function gpu(n: number) {
  return { limits: { "nvidia.com/gpu": n, cpu: "1", memory: "1Gi" } };
}

/** The 2P4D sample: prefill ×2 (entry + 1 worker, 4 GPUs each), decode ×4 (entry only, 2 GPUs). 24 GPUs per ServingGroup. */
function sample(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  template: Record<string, unknown> = {},
  image = "vllm/vllm-openai:v1",
) {
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name, namespace },
    spec: {
      schedulerName: "volcano",
      replicas: 1,
      recoveryPolicy: "RoleRecreate",
      template: {
        networkTopology: { rolePolicy: { mode: "hard", highestTierAllowed: 1 } },
        roles: [
          {
            name: "prefill",
            replicas: 2,
            workerReplicas: 1,
            entryTemplate: { spec: { containers: [{ name: "leader", image, resources: gpu(4) }] } },
            workerTemplate: {
              spec: { containers: [{ name: "worker", image, resources: gpu(4) }] },
            },
          },
          {
            name: "decode",
            replicas: 4,
            workerReplicas: 0,
            entryTemplate: { spec: { containers: [{ name: "leader", image, resources: gpu(2) }] } },
          },
        ],
        ...template,
      },
      ...spec,
    },
  };
}

const nodeOf = (p: PodObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName;
const label = (o: KubeObject, k: string) => o.metadata?.labels?.[k];
const REV = "modelserving.volcano.sh/revision";

async function readyPods(
  ns: string,
  ms: string,
  count: number,
  timeoutMs = 60_000,
): Promise<PodObject[]> {
  return waitFor(
    `${count} running pods of ${ns}/${ms}`,
    async () => {
      const pods = await cluster.pods(ns, ms);
      return pods.length === count && pods.every(running) ? pods : undefined;
    },
    timeoutMs,
  );
}

async function available(ns: string, name: string, replicas: number): Promise<MS> {
  return waitFor(
    `${ns}/${name} available with ${replicas} groups`,
    async () => {
      const ms = await cluster.get<MS>("ModelServing", ns, name);
      const ok =
        ms?.status?.availableReplicas === replicas &&
        ms.status.replicas === replicas &&
        ms.status.conditions?.some((c) => c.type === "Available" && c.status === "True");
      return ok ? ms : undefined;
    },
    90_000,
  );
}

async function cleanup(ns: string, name: string): Promise<void> {
  await cluster.client.delete("ModelServing", ns, name);
  await waitFor(
    `pods of ${ns}/${name} gone`,
    async () => (await cluster.pods(ns, name)).length === 0,
    60_000,
  );
}

beforeAll(async () => {
  kc = await clusterKubeConfig("ctl");
  cluster = new TestCluster(kc);
  controller = await startController(kc, { logLevel: LOG });
});

afterAll(async () => {
  await controller.stop();
});

describe("ModelServing on a real cluster", () => {
  it("reconciles the 2P4D sample to the right pods, headless Services and PodGroup; each role's pods share a leaf HyperNode", async () => {
    const ns = "it-sample";
    await cluster.namespace(ns);
    // networkTopology hard, tier 1 for the group and for each role replica: 24 GPUs fit in one leaf (32).
    const tier1 = { mode: "hard", highestTierAllowed: 1 };
    await cluster.apply(
      sample(ns, "sample", {}, { networkTopology: { groupPolicy: tier1, rolePolicy: tier1 } }),
    );
    const pods = await readyPods(ns, "sample", 8);
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual([
      "sample-0-decode-0-0",
      "sample-0-decode-1-0",
      "sample-0-decode-2-0",
      "sample-0-decode-3-0",
      "sample-0-prefill-0-0",
      "sample-0-prefill-0-1",
      "sample-0-prefill-1-0",
      "sample-0-prefill-1-1",
    ]);
    const worker = pods.find((p) => p.metadata?.name === "sample-0-prefill-1-1");
    const env = (worker?.spec as { containers: { env: { name: string; value: string }[] }[] })
      .containers[0]?.env;
    expect(env).toEqual(
      expect.arrayContaining([
        { name: "GROUP_SIZE", value: "2" },
        { name: "ENTRY_ADDRESS", value: `sample-0-prefill-1-0.${ns}` },
        { name: "WORKER_INDEX", value: "1" },
      ]),
    );
    expect(worker?.metadata?.annotations).toMatchObject({
      "scheduling.k8s.io/group-name": "sample-0",
      "volcano.sh/task-spec": "prefill-1",
    });
    expect(worker?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "ModelServing",
      name: "sample",
      controller: true,
    });

    const services = await cluster.list<KubeObject & { spec?: { clusterIP?: string } }>(
      "Service",
      ns,
      "modelserving.volcano.sh/name=sample",
    );
    expect(services.map((s) => [s.metadata?.name, s.spec?.clusterIP]).sort()).toEqual([
      ["sample-0-prefill-0-0", "None"],
      ["sample-0-prefill-1-0", "None"],
    ]);

    const pg = await cluster.get<KubeObject & { spec: Record<string, unknown> }>(
      "PodGroup",
      ns,
      "sample-0",
    );
    expect(pg?.spec).toMatchObject({
      minMember: 8,
      minResources: { "nvidia.com/gpu": "24", cpu: "8", memory: String(8 * 2 ** 30) },
    });
    expect(
      (
        pg?.spec["subGroupPolicy"] as { name: string; subGroupSize: number; minSubGroups: number }[]
      ).map((s) => [s.name, s.subGroupSize, s.minSubGroups]),
    ).toEqual([
      ["prefill", 2, 2],
      ["decode", 1, 4],
    ]);

    // Hard tier 1: the pods of each role (all its replicas) sit under one leaf HyperNode.
    const nodes = await cluster.list<KubeObject>("Node", undefined);
    const leaf = new Map(
      nodes.map((n) => [n.metadata?.name, label(n, "tessera.io/hypernode-tier-1")]),
    );
    for (const role of ["prefill", "decode"]) {
      const leaves = new Set(
        pods
          .filter((p) => label(p, "modelserving.volcano.sh/role") === role)
          .map((p) => leaf.get(nodeOf(p))),
      );
      expect(leaves.size, `${role} spans ${[...leaves].join(",")}`).toBe(1);
      expect([...leaves][0]).toBeTruthy();
    }
    expect(pg?.spec["networkTopology"]).toEqual(tier1);

    const ms = await available(ns, "sample", 1);
    expect(ms.status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    expect(ms.metadata?.annotations?.["status.tessera.io/serving-groups"]).toContain(
      '"phase":"Running"',
    );
    const events = await waitFor("RoleRunning events", async () => {
      const ev = await cluster.list<KubeObject & { reason?: string }>("Event", ns);
      return ev.filter((e) => e.reason === "RoleRunning").length >= 6 ? ev : undefined;
    });
    expect(events.some((e) => e.reason === "RoleCreating")).toBe(true);
    await cleanup(ns, "sample");
  });

  it("with GPUs for only part of a gang, no pod of the gang runs and nothing is half-placed", async () => {
    const ns = "it-gang";
    await cluster.namespace(ns);
    // 17 pods × 8 GPUs = 136 GPUs on a 128-GPU cluster: 16 pods would fit one by one, the gang cannot.
    await cluster.apply({
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "ModelServing",
      metadata: { name: "big", namespace: ns },
      spec: {
        replicas: 1,
        template: {
          // Only a gangPolicy or a networkTopology asks for a PodGroup (Kthena's rule).
          gangPolicy: { minRoleReplicas: { train: 1 } },
          roles: [
            {
              name: "train",
              replicas: 1,
              workerReplicas: 16,
              entryTemplate: {
                spec: { containers: [{ name: "e", image: "x", resources: gpu(8) }] },
              },
              workerTemplate: {
                spec: { containers: [{ name: "w", image: "x", resources: gpu(8) }] },
              },
            },
          ],
        },
      },
    });
    await waitFor("17 pods created", async () => (await cluster.pods(ns, "big")).length === 17);
    const pg = await waitFor("PodGroup", () =>
      cluster.get<KubeObject & { spec: { minMember: number }; status?: { phase?: string } }>(
        "PodGroup",
        ns,
        "big-0",
      ),
    );
    expect(pg.spec.minMember).toBe(17);
    // Give Volcano several scheduling cycles (1 s each).
    await new Promise((r) => setTimeout(r, 8000));
    const pods = await cluster.pods(ns, "big");
    expect(pods.filter((p) => nodeOf(p) !== undefined).map((p) => p.metadata?.name)).toEqual([]);
    expect(pods.every((p) => p.status?.phase === "Pending")).toBe(true);
    const ms = await cluster.get<MS>("ModelServing", ns, "big");
    expect(ms?.status?.availableReplicas).toBe(0);
    await cleanup(ns, "big");
  });

  it("scales ServingGroups 1 → 3 → 1", async () => {
    const ns = "it-scale";
    await cluster.namespace(ns);
    await cluster.apply(sample(ns, "s"));
    await readyPods(ns, "s", 8);
    await cluster.apply(sample(ns, "s", { replicas: 3 }));
    const three = await readyPods(ns, "s", 24);
    expect(
      [...new Set(three.map((p) => label(p, "modelserving.volcano.sh/group-name")))].sort(),
    ).toEqual(["s-0", "s-1", "s-2"]);
    await available(ns, "s", 3);
    expect((await cluster.list("PodGroup", ns)).length).toBe(3);
    await cluster.apply(sample(ns, "s", { replicas: 1 }));
    const one = await readyPods(ns, "s", 8);
    expect([...new Set(one.map((p) => label(p, "modelserving.volcano.sh/group-name")))]).toEqual([
      "s-0",
    ]);
    await waitFor(
      "PodGroups of removed groups gone",
      async () => (await cluster.list("PodGroup", ns)).length === 1,
    );
    await available(ns, "s", 1);
    await cleanup(ns, "s");
  });

  it("rolling update with partition 1 leaves group 0 on the old revision", async () => {
    const ns = "it-partition";
    await cluster.namespace(ns);
    const rollout = {
      rolloutStrategy: {
        type: "ServingGroupRollingUpdate",
        rollingUpdateConfiguration: { maxUnavailable: 1, partition: 1 },
      },
    };
    await cluster.apply(sample(ns, "p", { replicas: 3, ...rollout }));
    await readyPods(ns, "p", 24);
    const before = await available(ns, "p", 3);
    const oldRev = before.status?.updateRevision;
    await cluster.apply(sample(ns, "p", { replicas: 3, ...rollout }, {}, "vllm/vllm-openai:v2"));
    const ms = await waitFor(
      "two groups updated",
      async () => {
        const m = await cluster.get<MS>("ModelServing", ns, "p");
        return m?.status?.updatedReplicas === 2 &&
          m.status.availableReplicas === 3 &&
          m.status.updateRevision !== oldRev
          ? m
          : undefined;
      },
      90_000,
    );
    const pods = await readyPods(ns, "p", 24);
    const revOf = (g: string) =>
      new Set(
        pods
          .filter((p) => label(p, "modelserving.volcano.sh/group-name") === g)
          .map((p) => label(p, REV)),
      );
    expect(revOf("p-0")).toEqual(new Set([oldRev]));
    expect(revOf("p-1")).toEqual(new Set([ms.status?.updateRevision]));
    expect(revOf("p-2")).toEqual(new Set([ms.status?.updateRevision]));
    expect(ms.status?.currentRevision).toBe(oldRev);
    expect((await cluster.list("ControllerRevision", ns)).length).toBe(2);
    await cleanup(ns, "p");
  });

  it("changing networkTopology rolls the groups out onto PodGroups with the new policy (kthena#690)", async () => {
    const ns = "it-topology";
    await cluster.namespace(ns);
    await cluster.apply(sample(ns, "t", { replicas: 2 }));
    await readyPods(ns, "t", 16);
    const oldRev = (await available(ns, "t", 2)).status?.updateRevision;
    const groupPolicy = { mode: "hard", highestTierAllowed: 2 };
    await cluster.apply(
      sample(
        ns,
        "t",
        { replicas: 2 },
        { networkTopology: { groupPolicy, rolePolicy: { mode: "hard", highestTierAllowed: 1 } } },
      ),
    );
    const ms = await waitFor(
      "rolled out",
      async () => {
        const m = await cluster.get<MS>("ModelServing", ns, "t");
        return m?.status?.updateRevision !== oldRev &&
          m?.status?.updatedReplicas === 2 &&
          m.status.availableReplicas === 2
          ? m
          : undefined;
      },
      90_000,
    );
    const pods = await readyPods(ns, "t", 16);
    expect(new Set(pods.map((p) => label(p, REV)))).toEqual(new Set([ms.status?.updateRevision]));
    for (const g of ["t-0", "t-1"]) {
      const pg = await cluster.get<KubeObject & { spec: Record<string, unknown> }>(
        "PodGroup",
        ns,
        g,
      );
      expect(pg?.spec["networkTopology"]).toEqual(groupPolicy);
    }
    await cleanup(ns, "t");
  });

  it("editing role replicas and the template together creates each new pod exactly once (kthena#1795)", async () => {
    const ns = "it-churn";
    await cluster.namespace(ns);
    await cluster.apply(sample(ns, "c", { replicas: 2 }));
    await readyPods(ns, "c", 16);
    const oldRev = (await available(ns, "c", 2)).status?.updateRevision;
    // Record every pod the apiserver ever creates from here on (a watch sees short-lived pods too).
    const added = new Set<string>();
    const watch = new Informer<PodObject>(cluster.client, {
      name: "churn",
      path: resourcePath("Pod", ns),
    });
    await watch.start();
    const existing = new Set(watch.list().map((p) => p.metadata?.uid));
    watch.on((event, p) => {
      if (event === "add" && !existing.has(p.metadata?.uid)) added.add(p.metadata?.name ?? "");
    });
    const edited = sample(ns, "c", { replicas: 2 }, {}, "vllm/vllm-openai:v2");
    (edited.spec.template.roles[1] as { replicas: number }).replicas = 5;
    await cluster.apply(edited);
    const ms = await waitFor(
      "rolled out",
      async () => {
        const m = await cluster.get<MS>("ModelServing", ns, "c");
        return m?.status?.updateRevision !== oldRev &&
          m?.status?.updatedReplicas === 2 &&
          m.status.availableReplicas === 2
          ? m
          : undefined;
      },
      90_000,
    );
    const pods = await readyPods(ns, "c", 18);
    await watch.stop();
    expect(new Set(pods.map((p) => label(p, REV)))).toEqual(new Set([ms.status?.updateRevision]));
    // 2 groups × (4 prefill + 5 decode) new pods, and not one more: no decode-4 made for an outdated group.
    expect(added.size).toBe(18);
    await cleanup(ns, "c");
  });

  it("RoleRollingUpdate replaces only the changed role and honours the role partition", async () => {
    const ns = "it-role-rollout";
    await cluster.namespace(ns);
    const spec = { replicas: 1, rolloutStrategy: { type: "RoleRollingUpdate" } };
    await cluster.apply(sample(ns, "rr", spec));
    const before = await readyPods(ns, "rr", 8);
    const uid = (list: PodObject[], n: string) =>
      list.find((p) => p.metadata?.name === n)?.metadata?.uid;
    const edited = sample(ns, "rr", spec);
    const decode = edited.spec.template.roles[1] as {
      partition?: number;
      entryTemplate: { spec: { containers: { image: string }[] } };
    };
    decode.partition = 1;
    const container = decode.entryTemplate.spec.containers[0];
    if (container) container.image = "vllm/vllm-openai:v2";
    await cluster.apply(edited);
    const image = (p: PodObject | undefined) =>
      (p?.spec as { containers: { image: string }[] } | undefined)?.containers[0]?.image;
    const after = await waitFor(
      "decode 1..3 on the new image",
      async () => {
        const list = await cluster.pods(ns, "rr");
        const ok =
          list.length === 8 &&
          list.every(running) &&
          ["rr-0-decode-1-0", "rr-0-decode-2-0", "rr-0-decode-3-0"].every(
            (n) => image(list.find((p) => p.metadata?.name === n)) === "vllm/vllm-openai:v2",
          );
        return ok ? list : undefined;
      },
      90_000,
    );
    expect(image(after.find((p) => p.metadata?.name === "rr-0-decode-0-0"))).toBe(
      "vllm/vllm-openai:v1",
    );
    expect(uid(after, "rr-0-decode-0-0")).toBe(uid(before, "rr-0-decode-0-0"));
    for (const n of [
      "rr-0-prefill-0-0",
      "rr-0-prefill-0-1",
      "rr-0-prefill-1-0",
      "rr-0-prefill-1-1",
    ])
      expect(uid(after, n)).toBe(uid(before, n));
    await cleanup(ns, "rr");
  });

  it.each([
    { policy: "RoleRecreate", workerReplaced: true },
    { policy: "None", workerReplaced: false },
  ])(
    "deleting an entry pod under $policy: worker replaced = $workerReplaced",
    async ({ policy, workerReplaced }) => {
      const ns = `it-recover-${policy.toLowerCase()}`;
      await cluster.namespace(ns);
      await cluster.apply(sample(ns, "r", { recoveryPolicy: policy }));
      const pods = await readyPods(ns, "r", 8);
      const uid = (name: string, list: PodObject[]) =>
        list.find((p) => p.metadata?.name === name)?.metadata?.uid;
      const entryUid = uid("r-0-prefill-0-0", pods);
      const workerUid = uid("r-0-prefill-0-1", pods);
      const otherUid = uid("r-0-prefill-1-1", pods);
      await cluster.deleteNow("Pod", ns, "r-0-prefill-0-0");
      const after = await waitFor("entry pod recreated and running", async () => {
        const list = await cluster.pods(ns, "r");
        const e = list.find((p) => p.metadata?.name === "r-0-prefill-0-0");
        return e && e.metadata?.uid !== entryUid && list.length === 8 && list.every(running)
          ? list
          : undefined;
      });
      expect(uid("r-0-prefill-0-1", after) !== workerUid).toBe(workerReplaced);
      expect(uid("r-0-prefill-1-1", after)).toBe(otherUid);
      await cleanup(ns, "r");
    },
  );

  it("removing networkTopology deletes the PodGroup; bound pods keep running and replacements schedule without it", async () => {
    const ns = "it-ungang";
    await cluster.namespace(ns);
    // groupPolicy only and RoleRollingUpdate: no role template changes, so no pod is replaced.
    const roleUpdate = { rolloutStrategy: { type: "RoleRollingUpdate" } };
    const groupOnly = { networkTopology: { groupPolicy: { mode: "hard", highestTierAllowed: 2 } } };
    await cluster.apply(sample(ns, "u", roleUpdate, groupOnly));
    const before = await readyPods(ns, "u", 8);
    await waitFor("PodGroup u-0", () => cluster.get("PodGroup", ns, "u-0"));
    await cluster.apply(sample(ns, "u", roleUpdate, { networkTopology: undefined }));
    await waitFor(
      "PodGroup u-0 deleted",
      async () => (await cluster.get("PodGroup", ns, "u-0")) === undefined,
    );
    const uids = (pods: PodObject[]) => pods.map((p) => p.metadata?.uid).sort();
    expect(uids(await readyPods(ns, "u", 8))).toEqual(uids(before));
    // A lost pod's role replica is rebuilt without the PodGroup annotation, and Volcano places it.
    const lost = before.find((p) => p.metadata?.name === "u-0-decode-1-0");
    await cluster.deleteNow("Pod", ns, "u-0-decode-1-0");
    const healed = await waitFor(
      "u-0-decode-1-0 recreated and running",
      async () =>
        (await cluster.pods(ns, "u")).find(
          (p) =>
            p.metadata?.name === "u-0-decode-1-0" &&
            p.metadata.uid !== lost?.metadata?.uid &&
            running(p),
        ),
      60_000,
    );
    // Volcano's own controller gives the bare pod a PodGroup of one; it is no longer u-0.
    expect(healed.metadata?.annotations?.["scheduling.k8s.io/group-name"]).not.toBe("u-0");
    expect(await cluster.get("PodGroup", ns, "u-0")).toBeUndefined();
    await cleanup(ns, "u");
  });

  it("a controller restart mid-rollout resumes without duplicate pods", async () => {
    const ns = "it-restart";
    await cluster.namespace(ns);
    await cluster.apply(sample(ns, "m", { replicas: 3 }));
    await readyPods(ns, "m", 24);
    const oldRev = (await available(ns, "m", 3)).status?.updateRevision;
    // Watch the whole rollout: never more than 3 ServingGroups' worth of pods at once.
    let maxPods = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        maxPods = Math.max(maxPods, (await cluster.pods(ns, "m")).length);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await cluster.apply(sample(ns, "m", { replicas: 3 }, {}, "vllm/vllm-openai:v2"));
    await waitFor("rollout started", async () =>
      (await cluster.pods(ns, "m")).some(
        (p) => label(p, REV) !== oldRev || p.metadata?.deletionTimestamp,
      ),
    );
    await controller.stop();
    const mid = await cluster.pods(ns, "m");
    // The restart really happened mid-rollout: old-revision pods were still there.
    expect(mid.some((p) => label(p, REV) === oldRev)).toBe(true);
    const midNew = new Map(
      mid
        .filter((p) => label(p, REV) !== oldRev && !p.metadata?.deletionTimestamp)
        .map((p) => [p.metadata?.name, p.metadata?.uid]),
    );
    controller = await startController(kc, { logLevel: LOG });
    const ms = await waitFor(
      "rollout finished",
      async () => {
        const m = await cluster.get<MS>("ModelServing", ns, "m");
        return m?.status?.updatedReplicas === 3 &&
          m.status.availableReplicas === 3 &&
          m.status.updateRevision !== oldRev
          ? m
          : undefined;
      },
      90_000,
    );
    watching = false;
    await watcher;
    const final = await readyPods(ns, "m", 24);
    expect(new Set(final.map((p) => label(p, REV)))).toEqual(new Set([ms.status?.updateRevision]));
    // Pods the first controller had already created at the new revision were kept, not recreated.
    for (const [name, uid] of midNew)
      expect(final.find((p) => p.metadata?.name === name)?.metadata?.uid).toBe(uid);
    expect(maxPods).toBeLessThanOrEqual(24);
    await cleanup(ns, "m");
  });

  it("reports what CEL cannot check with a Valid=False condition and a Warning event", async () => {
    const ns = "it-invalid";
    await cluster.namespace(ns);
    await cluster.apply({
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "ModelServing",
      metadata: { name: "bad", namespace: ns },
      spec: {
        replicas: 1,
        template: {
          roles: [
            {
              name: "r",
              replicas: 1,
              workerReplicas: 0,
              entryTemplate: {
                spec: {
                  containers: [
                    { name: "c", image: "x" },
                    { name: "c", image: "y" },
                  ],
                },
              },
            },
          ],
        },
      },
    });
    const ms = await waitFor("Valid=False", async () => {
      const m = await cluster.get<MS>("ModelServing", ns, "bad");
      return m?.status?.conditions?.find((c) => c.type === "Valid" && c.status === "False")
        ? m
        : undefined;
    });
    expect(ms.status?.conditions?.find((c) => c.type === "Valid")?.message).toContain(
      'duplicate container name "c"',
    );
    await waitFor("InvalidSpec event", async () =>
      (await cluster.list<KubeObject & { reason?: string }>("Event", ns)).some(
        (e) => e.reason === "InvalidSpec",
      ),
    );
    expect(await cluster.pods(ns, "bad")).toEqual([]);
  });

  it("ModelBooster creates its ModelServing, ModelServer and ModelRoute and becomes Active", async () => {
    const ns = "it-booster";
    await cluster.namespace(ns);
    await cluster.apply({
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "ModelBooster",
      metadata: { name: "demo", namespace: ns },
      spec: {
        backend: {
          name: "backend1",
          type: "vLLM",
          modelURI: "hf://Qwen/Qwen2.5-0.5B-Instruct",
          cacheURI: "hostpath://tmp/cache",
          replicas: 1,
          workers: [
            {
              type: "server",
              image: "vllm/vllm-openai-cpu:latest",
              replicas: 1,
              pods: 1,
              resources: { limits: { "nvidia.com/gpu": 1 } },
              config: { "served-model-name": "qwen" },
            },
          ],
        },
      },
    });
    const server = await waitFor("ModelServer", () =>
      cluster.get<KubeObject & { spec: Record<string, unknown> }>(
        "ModelServer",
        ns,
        "demo-backend1",
      ),
    );
    expect(server.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "ModelBooster",
      name: "demo",
    });
    expect(await cluster.get("ModelRoute", ns, "demo")).toBeDefined();
    await readyPods(ns, "demo-backend1", 1);
    const b = await waitFor(
      "booster Active",
      async () => {
        const x = await cluster.get<MS>("ModelBooster", ns, "demo");
        return x?.status?.conditions?.some((c) => c.type === "Active" && c.status === "True")
          ? x
          : undefined;
      },
      60_000,
    );
    expect(b.status?.conditions?.find((c) => c.type === "Initialized")?.status).toBe("True");
    await cluster.client.delete("ModelBooster", ns, "demo");
    await waitFor(
      "children garbage-collected",
      async () => (await cluster.pods(ns, "demo-backend1")).length === 0,
      60_000,
    );
  });

  it("exposes reconcile and queue metrics", async () => {
    const text = await controller.metrics.registry.metrics();
    expect(text).toMatch(
      /tessera_controller_reconcile_total\{controller="modelserving",result="(success|requeue)"\} [1-9]/,
    );
    expect(text).toContain("tessera_controller_workqueue_latency_seconds_bucket");
    expect(text).toContain("tessera_controller_reconcile_duration_seconds_count");
  });
});
