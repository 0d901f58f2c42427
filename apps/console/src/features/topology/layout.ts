// Pure layout of a HyperNode tier tree for drawing: HyperNodes in rows by tier (highest at the top),
// nodes in the bottom row in tree order, each HyperNode centred over its nodes. Also finds the
// placed groups whose pods span a wider HyperNode than their networkTopology allows.
import { Topology } from "@tessera/shared/placement/topology";
import type { Cluster, TopologyPolicy } from "@tessera/shared/placement/types";

export interface TopoPod {
  name: string;
  node: string;
  gpus: number;
  modelServing: string;
  group: string;
  role: string;
}

export interface LaidNode {
  name: string;
  x: number;
  allocatableGpus: number;
  freeGpus: number;
  unschedulable: boolean;
  /** Index of the parent HyperNode box in `boxes`, if any. */
  parent?: number;
}

export interface LaidBox {
  name: string;
  tier: number;
  x0: number;
  x1: number;
  parent?: number;
}

export interface TreeLayout {
  maxTier: number;
  nodes: LaidNode[];
  boxes: LaidBox[];
  /** Width in node slots. */
  width: number;
  isTree: boolean;
}

export function layoutTopology(cluster: Cluster): TreeLayout {
  const topo = new Topology(cluster);
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (d: number) => {
    const dom = topo.domains[d];
    if (!dom) return;
    for (const c of [...dom.children].sort((a, b) =>
      (topo.domains[a]?.name ?? "").localeCompare(topo.domains[b]?.name ?? ""),
    ))
      visit(c);
    for (const n of dom.directNodes) {
      if (seen.has(n)) continue;
      seen.add(n);
      order.push(n);
    }
  };
  const roots = topo.domains.map((d, i) => ({ d, i })).filter(({ d }) => d.parent === undefined);
  roots.sort((a, b) => b.d.tier - a.d.tier || a.d.name.localeCompare(b.d.name));
  for (const r of roots) visit(r.i);
  topo.nodes.forEach((_, i) => {
    if (seen.has(i)) return;
    seen.add(i);
    order.push(i);
  });
  const xOf = new Map<number, number>();
  order.forEach((n, x) => xOf.set(n, x));
  const boxes: LaidBox[] = topo.domains.map((d) => {
    const xs = d.nodes.map((n) => xOf.get(n) ?? 0);
    return {
      name: d.name,
      tier: d.tier,
      x0: xs.length ? Math.min(...xs) : 0,
      x1: xs.length ? Math.max(...xs) : 0,
      ...(d.parent !== undefined ? { parent: d.parent } : {}),
    };
  });
  const nodes: LaidNode[] = order.map((n, x) => {
    const node = topo.nodes[n];
    // Parent = the lowest-tier domain holding the node.
    let parent: number | undefined;
    topo.domains.forEach((d, i) => {
      if (
        d.nodes.includes(n) &&
        (parent === undefined || d.tier < (topo.domains[parent]?.tier ?? Infinity))
      )
        parent = i;
    });
    return {
      name: node?.name ?? "",
      x,
      allocatableGpus: node?.allocatableGpus ?? 0,
      freeGpus: node?.freeGpus ?? 0,
      unschedulable: node?.unschedulable ?? false,
      ...(parent !== undefined ? { parent } : {}),
    };
  });
  return {
    maxTier: topo.maxTier,
    nodes,
    boxes,
    width: Math.max(1, order.length),
    isTree: topo.isTree,
  };
}

export interface Violation {
  group: string;
  modelServing: string;
  /** Tier of the smallest HyperNode holding all the group's pods (Infinity: no common HyperNode). */
  spanTier: number;
  allowedTier: number;
  mode: "hard" | "soft";
  nodes: string[];
  message: string;
}

/** Tier of the lowest HyperNode containing every given node; 0 for a single node. */
export function spanTier(cluster: Cluster, nodeNames: readonly string[]): number {
  const uniq = [...new Set(nodeNames)];
  if (uniq.length <= 1) return 0;
  const topo = new Topology(cluster);
  const idx = uniq.map((n) => topo.nodes.findIndex((x) => x.name === n));
  if (idx.some((i) => i < 0)) return Infinity;
  const best = topo.domains
    .filter((d) => idx.every((i) => d.nodes.includes(i)))
    .reduce((m, d) => Math.min(m, d.tier), Infinity);
  return best;
}

/**
 * Groups whose pods span above the highest tier their policy allows. `policyOf` returns the group
 * policy of a ModelServing (undefined: unconstrained).
 */
export function findViolations(
  cluster: Cluster,
  pods: readonly TopoPod[],
  policyOf: (modelServing: string) => TopologyPolicy | undefined,
): Violation[] {
  const groups = new Map<string, TopoPod[]>();
  for (const p of pods) {
    const k = `${p.modelServing}\u0000${p.group}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const out: Violation[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const policy = policyOf(first.modelServing);
    if (policy?.highestTierAllowed === undefined) continue;
    const nodes = [...new Set(list.map((p) => p.node))];
    const tier = spanTier(cluster, nodes);
    if (tier > policy.highestTierAllowed) {
      out.push({
        group: first.group,
        modelServing: first.modelServing,
        spanTier: tier,
        allowedTier: policy.highestTierAllowed,
        mode: policy.mode,
        nodes,
        message: `${first.group} spans ${Number.isFinite(tier) ? `a tier-${tier} HyperNode` : "nodes with no common HyperNode"}; ${policy.mode} policy allows tier ${policy.highestTierAllowed}`,
      });
    }
  }
  return out;
}

/** A small built-in fabric for the designer when no cluster is reachable: 2 spines × 2 leaves × 4 nodes × 8 GPUs. */
export function sampleFabric(busyGpus: Readonly<Record<string, number>> = {}): Cluster {
  const nodes = Array.from({ length: 16 }, (_, i) => ({
    name: `gpu-node-${String(i).padStart(2, "0")}`,
    labels: { "tessera.io/leaf": `leaf-${Math.floor(i / 4)}` },
    allocatableGpus: 8,
    freeGpus: 8 - (busyGpus[`gpu-node-${String(i).padStart(2, "0")}`] ?? 0),
  }));
  const leaves = [0, 1, 2, 3].map((l) => ({
    name: `leaf-${l}`,
    tier: 1,
    members: [
      {
        type: "Node" as const,
        selector: { labelMatch: { matchLabels: { "tessera.io/leaf": `leaf-${l}` } } },
      },
    ],
  }));
  const spines = [0, 1].map((s) => ({
    name: `spine-${s}`,
    tier: 2,
    members: [2 * s, 2 * s + 1].map((l) => ({
      type: "HyperNode" as const,
      selector: { exactMatch: { name: `leaf-${l}` } },
    })),
  }));
  return { nodes, hyperNodes: [...leaves, ...spines] };
}
