import { describe, expect, it } from "vitest";
import { sample2P4D } from "../../testing/sim.ts";
import { roleTemplateHash, templateRevision } from "../hash.ts";
import { desiredHeadlessService, desiredPod } from "./pods.ts";
import { desiredPodGroup, minMember, minResources } from "./podgroup.ts";
import { formatResources, podRequests } from "./resources.ts";

const owner = { name: "sample", namespace: "default", uid: "u1" };

describe("desired pods", () => {
  const ms = sample2P4D();
  const prefill = ms.spec.template.roles[0];
  if (!prefill) throw new Error("fixture");

  it("names, labels, annotations, env and owner reference follow Kthena", () => {
    const worker = desiredPod({
      owner,
      schedulerName: "volcano",
      group: 0,
      role: prefill,
      roleOrdinal: 1,
      index: 1,
      revision: "rev1",
      roleHash: "h1",
      podGroup: true,
    });
    expect(worker.metadata?.name).toBe("sample-0-prefill-1-1");
    expect(worker.metadata?.labels).toEqual({
      "modelserving.volcano.sh/name": "sample",
      "modelserving.volcano.sh/group-name": "sample-0",
      "modelserving.volcano.sh/role": "prefill",
      "modelserving.volcano.sh/role-id": "prefill-1",
      "modelserving.volcano.sh/revision": "rev1",
      "modelserving.volcano.sh/role-template-hash": "h1",
    });
    expect(worker.metadata?.annotations).toEqual({
      "scheduling.k8s.io/group-name": "sample-0",
      "volcano.sh/task-spec": "prefill-1",
    });
    expect(worker.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "workload.serving.volcano.sh/v1alpha1",
        kind: "ModelServing",
        name: "sample",
        uid: "u1",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const spec = worker.spec as {
      schedulerName: string;
      containers: { name: string; env: { name: string; value: string }[] }[];
    };
    expect(spec.schedulerName).toBe("volcano");
    expect(spec.containers[0]?.name).toBe("worker");
    expect(spec.containers[0]?.env).toEqual([
      { name: "GROUP_SIZE", value: "2" },
      { name: "ENTRY_ADDRESS", value: "sample-0-prefill-1-0.default" },
      { name: "WORKER_INDEX", value: "1" },
    ]);
  });

  it("entry pods carry the entry label and WORKER_INDEX 0; user env of the same name is overridden", () => {
    const role = structuredClone(prefill);
    role.entryTemplate.spec.containers[0] = {
      name: "leader",
      image: "x",
      env: [
        { name: "WORKER_INDEX", value: "9" },
        { name: "A", value: "b" },
      ],
    };
    role.entryTemplate.metadata = {
      labels: { app: "llm", "modelserving.volcano.sh/role": "spoofed" },
    };
    const entry = desiredPod({
      owner,
      schedulerName: "volcano",
      group: 2,
      role,
      roleOrdinal: 0,
      index: 0,
      revision: "r",
      roleHash: "h",
      podGroup: false,
    });
    expect(entry.metadata?.labels?.["modelserving.volcano.sh/entry"]).toBe("true");
    expect(entry.metadata?.labels?.["app"]).toBe("llm");
    expect(entry.metadata?.labels?.["modelserving.volcano.sh/role"]).toBe("prefill");
    expect(entry.metadata?.annotations).toBeUndefined();
    const env = (entry.spec as { containers: { env: { name: string; value: string }[] }[] })
      .containers[0]?.env;
    expect(env).toContainEqual({ name: "A", value: "b" });
    expect(env?.filter((e) => e.name === "WORKER_INDEX")).toEqual([
      { name: "WORKER_INDEX", value: "0" },
    ]);
  });

  it("headless Service per role replica only for roles with a worker template", () => {
    const svc = desiredHeadlessService(owner, 0, prefill, 1);
    expect(svc?.metadata?.name).toBe("sample-0-prefill-1-0");
    expect(svc?.spec).toEqual({
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: {
        "modelserving.volcano.sh/group-name": "sample-0",
        "modelserving.volcano.sh/role": "prefill",
        "modelserving.volcano.sh/role-id": "prefill-1",
        "modelserving.volcano.sh/entry": "true",
      },
    });
    const decode = ms.spec.template.roles[1];
    if (!decode) throw new Error("fixture");
    expect(desiredHeadlessService(owner, 0, decode, 0)).toBeUndefined();
  });
});

describe("PodGroup arithmetic", () => {
  it("strict gang: every pod of every role replica; GPUs given only as limits count", () => {
    const t = sample2P4D().spec.template;
    expect(minMember(t)).toBe(2 * 2 + 4 * 1);
    expect(minResources(t)).toEqual({ cpu: "2", "nvidia.com/gpu": "8" });
  });

  it("relaxed gang via minRoleReplicas", () => {
    const t = sample2P4D().spec.template;
    t.gangPolicy = { minRoleReplicas: { prefill: 1, decode: 1 } };
    expect(minMember(t)).toBe(2 + 1);
    expect(minResources(t)).toEqual({ cpu: "500m", "nvidia.com/gpu": "3" });
  });

  it("subGroupPolicy: one entry per role with the role policy; group policy on the PodGroup", () => {
    const ms = sample2P4D();
    ms.metadata.annotations = { "scheduling.volcano.sh/queue-name": "gpu" };
    ms.spec.template.gangPolicy = { minRoleReplicas: { prefill: 1 } };
    const pg = desiredPodGroup(ms, owner, 3, ms.spec.template, "rev", "subGroupPolicy");
    expect(pg.metadata?.name).toBe("sample-3");
    expect(pg.spec).toMatchObject({
      queue: "gpu",
      minMember: 2 + 4,
      networkTopology: { mode: "hard", highestTierAllowed: 2 },
    });
    expect(pg.spec?.["subGroupPolicy"]).toEqual([
      {
        name: "prefill",
        labelSelector: {
          matchLabels: {
            "modelserving.volcano.sh/name": "sample",
            "modelserving.volcano.sh/role": "prefill",
          },
        },
        matchLabelKeys: ["modelserving.volcano.sh/role-id"],
        subGroupSize: 2,
        minSubGroups: 1,
        networkTopology: { mode: "hard", highestTierAllowed: 1 },
      },
      {
        name: "decode",
        labelSelector: {
          matchLabels: {
            "modelserving.volcano.sh/name": "sample",
            "modelserving.volcano.sh/role": "decode",
          },
        },
        matchLabelKeys: ["modelserving.volcano.sh/role-id"],
        subGroupSize: 1,
        minSubGroups: 4,
        networkTopology: { mode: "hard", highestTierAllowed: 1 },
      },
    ]);
    expect(pg.spec?.["minTaskMember"]).toBeUndefined();
  });

  it("minTaskMember for clusters whose PodGroup schema lacks subGroupPolicy", () => {
    const ms = sample2P4D();
    ms.spec.template.gangPolicy = { minRoleReplicas: { prefill: 1, decode: 2 } };
    const pg = desiredPodGroup(ms, owner, 0, ms.spec.template, "rev", "minTaskMember");
    expect(pg.spec?.["minTaskMember"]).toEqual({ "prefill-0": 2, "decode-0": 1, "decode-1": 1 });
    expect(pg.spec?.["subGroupPolicy"]).toBeUndefined();
  });

  it("resource sums format as Kubernetes quantities", () => {
    const r = podRequests({
      containers: [
        { resources: { requests: { cpu: "250m", memory: "1Gi" } } },
        { resources: { limits: { cpu: "1", memory: "512Mi" } } },
      ],
    });
    expect(formatResources(r)).toEqual({ cpu: "1250m", memory: String(1.5 * 2 ** 30) });
  });
});

describe("revision hashes", () => {
  const base = sample2P4D().spec.template;
  const rev = templateRevision(base);
  it("ignore role replicas and role rolling config", () => {
    const t = structuredClone(base);
    t.roles[1] = {
      ...t.roles[1],
      replicas: 9,
      maxUnavailable: 2,
      partition: 1,
    } as (typeof t.roles)[number];
    expect(templateRevision(t)).toBe(rev);
  });
  it("change with the pod template", () => {
    const t = structuredClone(base);
    (t.roles[0]?.entryTemplate.spec.containers[0] as { image: string }).image =
      "vllm/vllm-openai:v2";
    expect(templateRevision(t)).not.toBe(rev);
  });
  it("change with networkTopology and gangPolicy (kthena#690: Kthena ignores both)", () => {
    const topo = structuredClone(base);
    topo.networkTopology = { groupPolicy: { mode: "soft", highestTierAllowed: 2 } };
    expect(templateRevision(topo)).not.toBe(rev);
    const gang = structuredClone(base);
    gang.gangPolicy = { minRoleReplicas: { prefill: 1 } };
    expect(templateRevision(gang)).not.toBe(rev);
  });
  it("role hash follows the role's own template and the role topology only", () => {
    const [prefill, decode] = base.roles;
    if (!prefill || !decode) throw new Error("fixture");
    expect(roleTemplateHash({ ...prefill, replicas: 7 })).toBe(roleTemplateHash(prefill));
    expect(roleTemplateHash(prefill)).not.toBe(roleTemplateHash(decode));
    expect(roleTemplateHash(prefill, { mode: "hard", highestTierAllowed: 1 })).not.toBe(
      roleTemplateHash(prefill),
    );
    expect(rev).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});
