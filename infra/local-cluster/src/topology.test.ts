import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeObjects, tierLabel, DEFAULT_SHAPE } from "./nodes.ts";
import { TOPOLOGIES_DIR } from "./paths.ts";
import { hyperNodeObjects, parseTopology, planFlat, planTopology } from "./topology.ts";

describe("topology", () => {
  const t = parseTopology(readFileSync(join(TOPOLOGIES_DIR, "2x2x4.yaml"), "utf8"));

  it("expands 2 spines × 2 leaves × 4 nodes into 16 nodes and 6 HyperNodes", () => {
    const plan = planTopology(t);
    expect(plan.nodes).toHaveLength(16);
    expect(plan.hyperNodes.map((h) => `${h.name}:${h.tier}`).sort()).toEqual(
      ["leaf-0-0:1", "leaf-0-1:1", "leaf-1-0:1", "leaf-1-1:1", "spine-0:2", "spine-1:2"].sort(),
    );
    const spine1 = plan.hyperNodes.find((h) => h.name === "spine-1");
    expect(spine1?.members).toEqual([
      { type: "HyperNode", name: "leaf-1-0" },
      { type: "HyperNode", name: "leaf-1-1" },
    ]);
    const leaf = plan.hyperNodes.find((h) => h.name === "leaf-1-0");
    expect(leaf?.members.map((m) => m.name)).toEqual([
      "gpu-node-8",
      "gpu-node-9",
      "gpu-node-10",
      "gpu-node-11",
    ]);
    expect(plan.nodes[9]?.hyperNodes).toEqual(["leaf-1-0", "spine-1"]);
    expect(plan.tierNames).toEqual(["leaf", "spine"]);
  });

  it("every node belongs to exactly one leaf and every leaf to one spine", () => {
    const plan = planTopology(t);
    const nodeMembers = plan.hyperNodes.flatMap((h) =>
      h.members.filter((m) => m.type === "Node").map((m) => m.name),
    );
    expect(new Set(nodeMembers).size).toBe(16);
    expect(nodeMembers).toHaveLength(16);
    const leafMembers = plan.hyperNodes.flatMap((h) =>
      h.members.filter((m) => m.type === "HyperNode").map((m) => m.name),
    );
    expect(leafMembers.sort()).toEqual(["leaf-0-0", "leaf-0-1", "leaf-1-0", "leaf-1-1"]);
  });

  it("renders HyperNode objects with exactMatch members", () => {
    const objs = hyperNodeObjects(planTopology(t));
    const leaf = objs.find((o) => (o.metadata as { name: string }).name === "leaf-0-0");
    expect(leaf).toMatchObject({
      apiVersion: "topology.volcano.sh/v1alpha1",
      kind: "HyperNode",
      spec: {
        tier: 1,
        members: [{ type: "Node", selector: { exactMatch: { name: "gpu-node-0" } } }, {}, {}, {}],
      },
    });
  });

  it("rejects malformed documents", () => {
    expect(() => parseTopology("levels: []\nnodesPerLeaf: 2")).toThrow(/levels/);
    expect(() => parseTopology("levels: [{name: leaf, count: 0}]\nnodesPerLeaf: 2")).toThrow(
      /count/,
    );
    expect(() => parseTopology("levels: [{name: Leaf, count: 1}]\nnodesPerLeaf: 2")).toThrow(
      /DNS label/,
    );
    expect(() =>
      parseTopology("levels: [{name: a, count: 1}, {name: a, count: 1}]\nnodesPerLeaf: 1"),
    ).toThrow(/differ/);
    expect(() => parseTopology("levels: [{name: leaf, count: 1}]")).toThrow(/nodesPerLeaf/);
  });
});

describe("nodes", () => {
  it("gives each node GPU capacity, topology labels and its own loopback podCIDR", () => {
    const plan = planTopology(
      parseTopology("levels: [{name: spine, count: 1}, {name: leaf, count: 2}]\nnodesPerLeaf: 2"),
    );
    const nodes = nodeObjects(plan, 7, { ...DEFAULT_SHAPE, gpus: 4 });
    expect(nodes).toHaveLength(4);
    const n3 = nodes[3];
    expect(n3?.status?.capacity?.["nvidia.com/gpu"]).toBe("4");
    expect(n3?.metadata?.labels?.["nvidia.com/gpu.count"]).toBe("4");
    expect(n3?.metadata?.labels?.[tierLabel(1)]).toBe("leaf-0-1");
    expect(n3?.metadata?.labels?.[tierLabel(2)]).toBe("spine-0");
    expect(n3?.metadata?.labels?.["tessera.io/leaf"]).toBe("leaf-0-1");
    expect(nodes.map((n) => n.spec?.podCIDR)).toEqual([
      "127.7.1.0/24",
      "127.7.2.0/24",
      "127.7.3.0/24",
      "127.7.4.0/24",
    ]);
  });

  it("omits GPU capacity and labels for CPU-only nodes", () => {
    const [node] = nodeObjects(planFlat(1), 1, { ...DEFAULT_SHAPE, gpus: 0 });
    expect(node?.status?.capacity?.["nvidia.com/gpu"]).toBeUndefined();
    expect(node?.metadata?.labels?.["nvidia.com/gpu.present"]).toBeUndefined();
  });
});
