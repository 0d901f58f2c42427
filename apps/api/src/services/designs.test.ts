import { describe, expect, it } from "vitest";
import { DesignSpecSchema, podsPerReplica, renderAndValidate } from "./designs.ts";

const design = (over: object = {}) =>
  DesignSpecSchema.parse({
    name: "llama-pd",
    model: "llama-3-70b",
    engine: "vLLM",
    servingGroups: 1,
    gang: "relaxed",
    roles: [
      {
        name: "prefill",
        kind: "prefill",
        replicas: 2,
        tensorParallel: 8,
        gpusPerPod: 4,
        minReplicas: 1,
      },
      { name: "decode", kind: "decode", replicas: 4, tensorParallel: 4, gpusPerPod: 4 },
    ],
    networkTopology: { role: { mode: "hard", highestTierAllowed: 1 } },
    autoscaling: { targetValue: 10, minReplicas: 1, maxReplicas: 4 },
    ...over,
  });

describe("topology designs", () => {
  it("render a 2P4D design to valid Kthena objects", () => {
    const { manifests, issues } = renderAndValidate(design());
    expect(issues).toEqual([]);
    expect(manifests.map((m) => m.kind)).toEqual([
      "ModelServing",
      "ModelServer",
      "ModelRoute",
      "AutoscalingPolicy",
    ]);
    const spec = manifests[0]?.spec as {
      template: {
        gangPolicy: unknown;
        roles: { name: string; replicas: number; workerReplicas: number }[];
      };
    };
    expect(spec.template.gangPolicy).toEqual({ minRoleReplicas: { prefill: 1, decode: 4 } });
    // TP 8 over 4-GPU pods: an entry and one worker per prefill replica.
    expect(spec.template.roles.map((r) => [r.name, r.replicas, r.workerReplicas])).toEqual([
      ["prefill", 2, 1],
      ["decode", 4, 0],
    ]);
    const server = manifests[1]?.spec as { workloadSelector: { pdGroup?: unknown } };
    expect(server.workloadSelector.pdGroup).toBeDefined();
  });

  it("compute pods per role replica from TP × PP and GPUs per pod", () => {
    expect(
      podsPerReplica({
        name: "x",
        kind: "mixed",
        replicas: 1,
        tensorParallel: 4,
        pipelineParallel: 2,
        gpusPerPod: 2,
      }),
    ).toBe(4);
  });

  it("reject inconsistent designs with field paths", () => {
    const r = DesignSpecSchema.safeParse({
      name: "x",
      model: "m",
      engine: "vLLM",
      roles: [
        { name: "prefill", kind: "prefill", replicas: -1, tensorParallel: 3, gpusPerPod: 2 },
        { name: "prefill", kind: "mixed", replicas: 1 },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["roles.0.replicas"]));
  });
});
