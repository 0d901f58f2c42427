// Test fixtures: the seed's HyperNode layout shrunk to 2 spines × 2 leaves × 4 nodes × 8 GPUs.
import type { Cluster, ClusterNode, GroupTemplate, HyperNodeInput, RoleTemplate } from "./types.ts";

export function spineLeafCluster(
  busy: Readonly<Record<string, number>> = {},
  gpusPerNode = 8,
): Cluster {
  const nodes: ClusterNode[] = Array.from({ length: 16 }, (_, i) => ({
    name: `node-${i}`,
    labels: { "topology/leaf": `s${Math.floor(i / 4)}` },
    allocatableGpus: gpusPerNode,
    freeGpus: gpusPerNode - (busy[`node-${i}`] ?? 0),
  }));
  const hyperNodes: HyperNodeInput[] = [
    // Each leaf uses a different selector kind, as Volcano allows.
    {
      name: "s0",
      tier: 1,
      members: [{ type: "Node", selector: { regexMatch: { pattern: "^node-[0-3]$" } } }],
    },
    {
      name: "s1",
      tier: 1,
      members: ["node-4", "node-5", "node-6", "node-7"].map((name) => ({
        type: "Node" as const,
        selector: { exactMatch: { name } },
      })),
    },
    {
      name: "s2",
      tier: 1,
      members: [
        { type: "Node", selector: { labelMatch: { matchLabels: { "topology/leaf": "s2" } } } },
      ],
    },
    {
      name: "s3",
      tier: 1,
      members: [
        {
          type: "Node",
          selector: {
            labelMatch: {
              matchExpressions: [{ key: "topology/leaf", operator: "In", values: ["s3"] }],
            },
          },
        },
      ],
    },
    {
      name: "s4",
      tier: 2,
      members: [
        { type: "HyperNode", selector: { exactMatch: { name: "s0" } } },
        { type: "HyperNode", selector: { exactMatch: { name: "s1" } } },
      ],
    },
    {
      name: "s5",
      tier: 2,
      members: [{ type: "HyperNode", selector: { regexMatch: { pattern: "^s[23]$" } } }],
    },
    {
      name: "s6",
      tier: 3,
      members: [{ type: "HyperNode", selector: { regexMatch: { pattern: "^s[45]$" } } }],
    },
  ];
  return { nodes, hyperNodes };
}

export function role(
  name: string,
  replicas: number,
  workerReplicas: number,
  gpus: number,
): RoleTemplate {
  return { name, replicas, workerReplicas, entry: { gpus }, worker: { gpus } };
}

/** The seed's 2P4D ServingGroup: 2 prefill + 4 decode role replicas, each entry + 1 worker (12 pods). */
export function twoPfourD(gpus: number, extra: Partial<GroupTemplate> = {}): GroupTemplate {
  return { roles: [role("prefill", 2, 1, gpus), role("decode", 4, 1, gpus)], ...extra };
}
