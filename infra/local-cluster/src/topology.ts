// Topology files: a tree of switches described level by level (top first). Every HyperNode of the
// last level holds `nodesPerLeaf` nodes; HyperNode tiers count from 1 at the bottom, as in Volcano.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface TopologyLevel {
  /** Name prefix of the HyperNodes of this level (e.g. "spine", "leaf"). */
  name: string;
  /** How many HyperNodes of this level each parent has (the top level: in total). */
  count: number;
}

export interface Topology {
  levels: TopologyLevel[];
  nodesPerLeaf: number;
  gpusPerNode?: number;
  gpuProduct?: string;
}

export interface PlannedNode {
  name: string;
  /** Names of the enclosing HyperNodes, bottom (leaf) first. */
  hyperNodes: string[];
}

export interface PlannedHyperNode {
  name: string;
  tier: number;
  members: { type: "Node" | "HyperNode"; name: string }[];
}

export interface TopologyPlan {
  nodes: PlannedNode[];
  hyperNodes: PlannedHyperNode[];
  /** Level names by tier (index 0 = tier 1). */
  tierNames: string[];
}

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new Error(`topology: ${what} must be a positive integer`);
  return v;
}

/** Parses and validates a topology document. */
export function parseTopology(text: string): Topology {
  const doc = parse(text) as Record<string, unknown> | null;
  if (!doc || typeof doc !== "object") throw new Error("topology: expected a YAML mapping");
  const levelsRaw = doc.levels;
  if (!Array.isArray(levelsRaw) || levelsRaw.length === 0)
    throw new Error("topology: levels must be a non-empty list");
  const levels = levelsRaw.map((l: unknown, i) => {
    const level = l as Record<string, unknown>;
    if (typeof level.name !== "string" || !/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(level.name)) {
      throw new Error(`topology: levels[${i}].name must be a DNS label`);
    }
    return { name: level.name, count: positiveInt(level.count, `levels[${i}].count`) };
  });
  if (new Set(levels.map((l) => l.name)).size !== levels.length)
    throw new Error("topology: level names must differ");
  const topology: Topology = {
    levels,
    nodesPerLeaf: positiveInt(doc.nodesPerLeaf, "nodesPerLeaf"),
  };
  if (doc.gpusPerNode !== undefined) {
    if (
      typeof doc.gpusPerNode !== "number" ||
      !Number.isInteger(doc.gpusPerNode) ||
      doc.gpusPerNode < 0
    ) {
      throw new Error("topology: gpusPerNode must be a non-negative integer");
    }
    topology.gpusPerNode = doc.gpusPerNode;
  }
  if (typeof doc.gpuProduct === "string") topology.gpuProduct = doc.gpuProduct;
  return topology;
}

export function readTopology(path: string): Topology {
  return parseTopology(readFileSync(path, "utf8"));
}

/**
 * Expands a topology into node names and HyperNodes. HyperNode names join the level name and the
 * ordinal path (`spine-1`, `leaf-1-0`); nodes are numbered globally (`gpu-node-0` …) so the name
 * alone does not reveal the placement (as in real clusters).
 */
export function planTopology(t: Topology, nodePrefix = "gpu-node"): TopologyPlan {
  const nodes: PlannedNode[] = [];
  const hyperNodes: PlannedHyperNode[] = [];
  const depth = t.levels.length;
  const walk = (levelIndex: number, path: number[], ancestors: string[]): string[] => {
    const level = t.levels[levelIndex];
    if (!level) throw new Error("unreachable");
    const tier = depth - levelIndex;
    const names: string[] = [];
    for (let i = 0; i < level.count; i++) {
      const p = [...path, i];
      const name = `${level.name}-${p.join("-")}`;
      names.push(name);
      const hn: PlannedHyperNode = { name, tier, members: [] };
      hyperNodes.push(hn);
      if (levelIndex === depth - 1) {
        for (let n = 0; n < t.nodesPerLeaf; n++) {
          const nodeName = `${nodePrefix}-${nodes.length}`;
          nodes.push({ name: nodeName, hyperNodes: [name, ...ancestors].slice(0, depth) });
          hn.members.push({ type: "Node", name: nodeName });
        }
      } else {
        for (const child of walk(levelIndex + 1, p, [name, ...ancestors]))
          hn.members.push({ type: "HyperNode", name: child });
      }
    }
    return names;
  };
  walk(0, [], []);
  return { nodes, hyperNodes, tierNames: [...t.levels].reverse().map((l) => l.name) };
}

/** A flat cluster of `count` nodes with no HyperNodes. */
export function planFlat(count: number, nodePrefix = "gpu-node"): TopologyPlan {
  return {
    nodes: Array.from({ length: count }, (_, i) => ({
      name: `${nodePrefix}-${i}`,
      hyperNodes: [],
    })),
    hyperNodes: [],
    tierNames: [],
  };
}

/** The HyperNode custom objects for a plan. */
export function hyperNodeObjects(plan: TopologyPlan): Record<string, unknown>[] {
  return plan.hyperNodes.map((hn) => ({
    apiVersion: "topology.volcano.sh/v1alpha1",
    kind: "HyperNode",
    metadata: {
      name: hn.name,
      labels: {
        "tessera.io/local-cluster": "true",
        "tessera.io/tier-name": plan.tierNames[hn.tier - 1] ?? "",
      },
    },
    spec: {
      tier: hn.tier,
      members: hn.members.map((m) => ({
        type: m.type,
        selector: { exactMatch: { name: m.name } },
      })),
    },
  }));
}
