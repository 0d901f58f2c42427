import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ModelServingSchema } from "../api/workload/model-serving.ts";
import { HyperNodeSchema } from "../api/volcano/hyper-node.ts";
import { spineLeafCluster } from "./fixtures.test-support.ts";
import {
  groupTemplateFromModelServing,
  hyperNodesFromObjects,
  podRequestOf,
  previewModelServing,
} from "./model-serving.ts";
import { maxPlaceableGroups } from "./place.ts";

// kthena.md §2.2's sample with the seed's 2P4D shape (every role replica = entry + 1 worker) and GPUs.
const SAMPLE = `
apiVersion: workload.serving.volcano.sh/v1alpha1
kind: ModelServing
metadata: {name: sample, namespace: default}
spec:
  replicas: 2
  template:
    gangPolicy: {minRoleReplicas: {prefill: 1, decode: 1}}
    networkTopology:
      groupPolicy: {mode: hard, highestTierAllowed: 2}
      rolePolicy:  {mode: hard, highestTierAllowed: 1}
    roles:
    - name: prefill
      replicas: 2
      entryTemplate:
        spec:
          initContainers: [{name: fetch, image: busybox, resources: {requests: {cpu: "4", memory: 1Gi}}}]
          containers:
          - {name: leader, image: vllm/vllm-openai, resources: {limits: {nvidia.com/gpu: 4}, requests: {cpu: 500m, memory: 8Gi}}}
          - {name: sidecar, image: kthena/runtime, resources: {requests: {cpu: 250m}}}
      workerReplicas: 1
      workerTemplate: {spec: {containers: [{name: worker, image: vllm/vllm-openai, resources: {requests: {nvidia.com/gpu: "4"}, limits: {nvidia.com/gpu: "4"}}}]}}
    - name: decode
      replicas: 4
      entryTemplate: {spec: {containers: [{name: leader, image: vllm/vllm-openai, resources: {limits: {nvidia.com/gpu: 4}}}]}}
      workerReplicas: 1
      workerTemplate: {spec: {containers: [{name: worker, image: vllm/vllm-openai, resources: {limits: {nvidia.com/gpu: 4}}}]}}
`;

describe("reading a ModelServing", () => {
  const ms = ModelServingSchema.parse(parse(SAMPLE));

  it("extracts roles, pods, GPU requests, gang and topology policies", () => {
    const t = groupTemplateFromModelServing(ms);
    expect(t.minRoleReplicas).toEqual({ prefill: 1, decode: 1 });
    expect(t.groupPolicy).toEqual({ mode: "hard", highestTierAllowed: 2 });
    expect(t.rolePolicy).toEqual({ mode: "hard", highestTierAllowed: 1 });
    expect(
      t.roles.map((r) => [r.name, r.replicas, r.workerReplicas, r.entry.gpus, r.worker.gpus]),
    ).toEqual([
      ["prefill", 2, 1, 4, 4],
      ["decode", 4, 1, 4, 4],
    ]);
    // max(Σ containers = 750m / 8Gi, init container 4 CPUs / 1Gi)
    expect(t.roles[0]?.entry).toEqual({ gpus: 4, cpuMilli: 4000, memoryBytes: 8 * 2 ** 30 });
  });

  it("counts other GPU resource names only when asked", () => {
    const spec = {
      containers: [
        { name: "c", image: "i", resources: { limits: { "amd.com/gpu": 2, "nvidia.com/gpu": 1 } } },
      ],
    };
    expect(podRequestOf(spec).gpus).toBe(1);
    expect(podRequestOf(spec, { gpuResourceNames: ["amd.com/gpu", "nvidia.com/gpu"] }).gpus).toBe(
      3,
    );
  });

  it("previews both ServingGroups on the spine/leaf cluster built from HyperNode objects", () => {
    const base = spineLeafCluster();
    const objects = base.hyperNodes.map((h) =>
      HyperNodeSchema.parse({
        apiVersion: "topology.volcano.sh/v1alpha1",
        kind: "HyperNode",
        metadata: { name: h.name },
        spec: { tier: h.tier, members: h.members },
      }),
    );
    const cluster = { nodes: base.nodes, hyperNodes: hyperNodesFromObjects(objects) };
    const groups = previewModelServing(cluster, ms);
    expect(groups.map((g) => [g.group, g.status, g.pods.length])).toEqual([
      ["sample-0", "Placed", 12],
      ["sample-1", "Placed", 12],
    ]);
    // Each group fits one spine (48 of 64 GPUs); best fit puts them on different spines only when needed.
    const spines = groups.map(
      (g) => new Set(g.pods.map((p) => p.hyperNodes.find((h) => h.tier === 2)?.name)),
    );
    expect(spines.every((s) => s.size === 1)).toBe(true);
    // Two complete groups (2 × 48 GPUs) leave 16 GPUs per spine: enough for the relaxed gang
    // (1 prefill + 1 decode replica) of two more, which Volcano would schedule as well.
    const template = groupTemplateFromModelServing(ms);
    expect(maxPlaceableGroups(cluster, template)).toMatchObject({ count: 4, complete: 2 });
    expect(maxPlaceableGroups(cluster, template, [], { wholeGroups: true })).toMatchObject({
      count: 2,
      complete: 2,
    });
  });
});
