import { describe, expect, it } from "vitest";
import { checkDesignSpec, DesignSpecSchema, derivedWorkerReplicas } from "./index.ts";

const base = { name: "x", model: "m", engine: "vLLM" };
const problems = (input: unknown) => {
  const r = checkDesignSpec(input);
  return r.ok ? [] : r.issues.map((i) => [i.path.map(String).join("."), i.message]);
};

describe("design spec", () => {
  it("parses a spec saved before workerReplicas, podLabels and routing existed unchanged", () => {
    const stored = {
      ...base,
      namespace: "default",
      servingGroups: 1,
      gang: "strict",
      roles: [
        {
          name: "m",
          kind: "mixed",
          replicas: 1,
          tensorParallel: 4,
          pipelineParallel: 1,
          gpusPerPod: 2,
        },
      ],
    };
    expect(DesignSpecSchema.parse(structuredClone(stored))).toEqual(stored);
  });

  it("names the field of each problem, with raw paths a form can map", () => {
    expect(
      problems({
        ...base,
        roles: [
          { name: "prefill", kind: "prefill", replicas: 1, minReplicas: 2 },
          { name: "prefill", kind: "mixed", replicas: -1 },
        ],
        podLabels: { "tessera.io/pd-role": "decode", team: "a b" },
        extra: 1,
      }),
    ).toEqual([
      ["roles.1.replicas", "must be >= 0"],
      ["podLabels.tessera.io/pd-role", "key is set by Tessera from the role kind"],
      [
        "podLabels.team",
        "value must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric",
      ],
      ["extra", "unknown field"],
      ["roles.0.minReplicas", "must be ≤ replicas (1)"],
      ["roles.1.name", 'duplicate role name "prefill"'],
      ["roles", "prefill and decode roles come together"],
    ]);
    expect(
      problems({
        ...base,
        roles: [
          { name: "prefill", kind: "prefill", replicas: 1, minReplicas: 2 },
          { name: "prefill", kind: "mixed", replicas: 1, tensorParallel: 3, gpusPerPod: 2 },
        ],
      }),
    ).toEqual([
      ["roles.0.minReplicas", "must be ≤ replicas (1)"],
      ["roles.1.name", 'duplicate role name "prefill"'],
      ["roles.1.gpusPerPod", "must divide tensorParallel × pipelineParallel (3)"],
      ["roles", "prefill and decode roles come together"],
    ]);
  });

  it("rejects network tiers nothing would enforce, and a role tier looser than its group's", () => {
    const roles = [{ name: "m", kind: "mixed", replicas: 1 }];
    const tiers = { group: { highestTierAllowed: 1 }, role: { highestTierAllowed: 2 } };
    expect(problems({ ...base, roles, gang: "none", networkTopology: tiers })).toEqual([
      [
        "networkTopology",
        "needs gang strict or relaxed: without a Volcano PodGroup no tier is enforced",
      ],
      ["networkTopology.role.highestTierAllowed", "must be ≤ the group's highestTierAllowed (1)"],
    ]);
    expect(
      problems({
        ...base,
        roles,
        gang: "none",
        networkTopology: { role: { highestTierAllowed: 1 } },
      }),
    ).toEqual([
      [
        "networkTopology",
        "needs gang strict or relaxed: without a Volcano PodGroup no tier is enforced",
      ],
    ]);
    // Equal tiers, a role tier alone, or a gang: all accepted.
    for (const [gang, networkTopology] of [
      ["strict", { group: { highestTierAllowed: 2 }, role: { highestTierAllowed: 2 } }],
      ["relaxed", { role: { highestTierAllowed: 3 } }],
      ["none", {}],
    ] as const)
      expect(problems({ ...base, roles, gang, networkTopology }), gang).toEqual([]);
  });

  it("derives workers from TP × PP and GPUs per pod", () => {
    expect(derivedWorkerReplicas({ tensorParallel: 8, pipelineParallel: 2, gpusPerPod: 8 })).toBe(
      1,
    );
    expect(derivedWorkerReplicas({ tensorParallel: 1, pipelineParallel: 1, gpusPerPod: 0 })).toBe(
      0,
    );
  });
});
