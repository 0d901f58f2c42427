import { describe, expect, it } from "vitest";
import { mulberry32 } from "../autoscaling/replay.ts";
import { spineLeafCluster, role, twoPfourD } from "./fixtures.test-support.ts";
import { maxPlaceableGroups, placeGroup, placeGroups } from "./place.ts";
import { Topology } from "./topology.ts";
import type { Cluster, GroupPlacement, GroupTemplate } from "./types.ts";

const hard = (tier: number) => ({ mode: "hard" as const, highestTierAllowed: tier });

function tierOf(p: GroupPlacement["pods"][number], tier: number): string | undefined {
  return p.hyperNodes.find((h) => h.tier === tier)?.name;
}

/** Invariants every Placed result must satisfy. */
function checkSound(cluster: Cluster, placements: readonly GroupPlacement[], t: GroupTemplate) {
  const used = new Map<string, number>();
  for (const g of placements) {
    if (g.status !== "Placed") {
      expect(g.pods).toEqual([]);
      continue;
    }
    for (const p of g.pods) used.set(p.node, (used.get(p.node) ?? 0) + p.gpus);
    const gang = g.roleReplicas.filter((r) => r.mandatory);
    expect(gang.every((r) => r.placed)).toBe(true);
    if (t.groupPolicy?.mode === "hard" && t.groupPolicy.highestTierAllowed !== undefined) {
      const tier = t.groupPolicy.highestTierAllowed;
      const domains = new Set(
        g.pods.map((p) => p.hyperNodes.filter((h) => h.tier <= tier).at(-1)?.name),
      );
      expect(domains.size, g.group).toBeLessThanOrEqual(1);
      expect(domains.has(undefined)).toBe(false);
    }
    if (t.rolePolicy?.mode === "hard" && t.rolePolicy.highestTierAllowed !== undefined) {
      const tier = t.rolePolicy.highestTierAllowed;
      for (const rr of g.roleReplicas.filter((r) => r.placed)) {
        const pods = g.pods.filter((p) => p.role === rr.role && p.replica === rr.replica);
        const names = new Set(
          pods.map(
            (p) => p.hyperNodes.find((h) => h.tier === (rr.domain?.tier ?? 0))?.name ?? p.node,
          ),
        );
        expect(names.size).toBe(1);
        expect(rr.domain?.tier ?? 99).toBeLessThanOrEqual(tier);
      }
    }
  }
  for (const n of cluster.nodes)
    expect(used.get(n.name) ?? 0, n.name).toBeLessThanOrEqual(n.freeGpus);
}

describe("HyperNode resolution", () => {
  it("resolves exact, regex and label selectors into a tree and a per-node chain", () => {
    const topo = new Topology(spineLeafCluster());
    expect(topo.isTree).toBe(true);
    expect(topo.domains.map((d) => [d.name, d.tier, d.nodes.length])).toEqual([
      ["s0", 1, 4],
      ["s1", 1, 4],
      ["s2", 1, 4],
      ["s3", 1, 4],
      ["s4", 2, 8],
      ["s5", 2, 8],
      ["s6", 3, 16],
    ]);
    expect(topo.chainOf(9)).toEqual([
      { name: "s2", tier: 1 },
      { name: "s5", tier: 2 },
      { name: "s6", tier: 3 },
    ]);
  });

  it("regexMatch is unanchored like Go's MatchString", () => {
    const topo = new Topology({
      nodes: [
        { name: "node-1", allocatableGpus: 1, freeGpus: 1 },
        { name: "node-10", allocatableGpus: 1, freeGpus: 1 },
      ],
      hyperNodes: [
        {
          name: "leaf",
          tier: 1,
          members: [{ type: "Node", selector: { regexMatch: { pattern: "node-1" } } }],
        },
      ],
    });
    expect(topo.domains[0]?.nodes).toEqual([0, 1]);
  });
});

describe("placement preview", () => {
  it("places the seed's 2P4D ServingGroup: strict gang, each role replica under one leaf, the group under one spine", () => {
    const cluster = spineLeafCluster();
    const t = twoPfourD(4, { groupPolicy: hard(2), rolePolicy: hard(1) });
    const g = placeGroup(cluster, "sample-0", t);
    expect(g.status).toBe("Placed");
    expect(g.pods).toHaveLength(12);
    expect(g.groupDomain?.tier).toBe(2);
    expect(new Set(g.pods.map((p) => tierOf(p, 2))).size).toBe(1);
    for (const rr of g.roleReplicas) {
      const pods = g.pods.filter((p) => p.role === rr.role && p.replica === rr.replica);
      expect(pods.map((p) => p.index).sort()).toEqual([0, 1]);
      expect(new Set(pods.map((p) => tierOf(p, 1)))).toEqual(new Set([rr.domain?.name]));
    }
    expect(g.pods.find((p) => p.role === "decode" && p.replica === 3 && p.index === 1)?.pod).toBe(
      "sample-0-decode-3-1",
    );
    checkSound(cluster, [g], t);
  });

  it("two 2P4D groups at 8 GPUs per pod fill the cluster under the root; a third is refused with the reason", () => {
    const cluster = spineLeafCluster();
    const fits = twoPfourD(8, { groupPolicy: hard(3), rolePolicy: hard(1) });
    const [a, b] = placeGroups(cluster, [
      { name: "g0", template: fits },
      { name: "g1", template: twoPfourD(8, { groupPolicy: hard(2), rolePolicy: hard(1) }) },
    ]);
    expect(a?.status).toBe("Placed");
    expect(b?.status).toBe("Unschedulable");
    expect(b?.reason).toBe(
      "Unschedulable: the gang needs 12 pods and 96 GPUs; the cluster has 32 free GPUs",
    );
    const spineOnly = placeGroup(
      cluster,
      "g",
      twoPfourD(8, { groupPolicy: hard(2), rolePolicy: hard(1) }),
    );
    expect(spineOnly.reason).toBe(
      "Unschedulable: the gang needs 12 pods and 96 GPUs under one tier-2 HyperNode; the largest has 64 free GPUs",
    );
    expect(spineOnly.pods).toEqual([]);
  });

  it("hard tier-1 role policy keeps each role replica under one leaf even when leaves are fragmented", () => {
    // Every leaf has 3 GPUs busy on its first node: 29 free per leaf.
    const cluster = spineLeafCluster({ "node-0": 3, "node-4": 3, "node-8": 3, "node-12": 3 });
    const t: GroupTemplate = { roles: [role("decode", 3, 3, 2)], rolePolicy: hard(1) };
    const g = placeGroup(cluster, "x", t);
    expect(g.status).toBe("Placed");
    checkSound(cluster, [g], t);
    // Tight first: a role replica that fits in a leaf with tier ≤ 2 allowed still lands in a leaf.
    const loose = placeGroup(cluster, "y", {
      roles: [role("decode", 1, 3, 2)],
      rolePolicy: hard(2),
    });
    expect(loose.roleReplicas[0]?.domain?.tier).toBe(1);
  });

  it("a gang that cannot fit reports why and places nothing", () => {
    // Leaves have 24, 24, 16 and 24 free GPUs: no leaf holds 4 pods × 8 GPUs.
    const cluster = spineLeafCluster({
      "node-0": 8,
      "node-4": 8,
      "node-8": 8,
      "node-9": 8,
      "node-12": 8,
    });
    const t: GroupTemplate = {
      roles: [role("prefill", 1, 0, 8), role("decode", 1, 3, 8)],
      rolePolicy: hard(1),
    };
    const [bad, next] = placeGroups(cluster, [
      { name: "bad", template: t },
      { name: "next", template: { roles: [role("decode", 1, 2, 8)], rolePolicy: hard(1) } },
    ]);
    expect(bad?.status).toBe("Unschedulable");
    expect(bad?.reason).toBe(
      "Unschedulable: role decode needs 4 pods × 8 GPUs under one tier-1 HyperNode; the largest leaf has 24 free GPUs",
    );
    expect(bad?.pods).toEqual([]);
    expect(bad?.roleReplicas.every((r) => !r.placed)).toBe(true);
    // Nothing was consumed: the next group (3 × 8) still finds a full 24-GPU leaf.
    expect(next?.status).toBe("Placed");
  });

  it("names the binding constraint when enough GPUs exist but not in the right shape", () => {
    // One node per leaf is busy: 24 free GPUs per leaf, 96 in total. 5 × (2 pods × 8 GPUs) = 80 GPUs,
    // but a leaf holds only one such role replica.
    const cluster = spineLeafCluster({ "node-0": 8, "node-4": 8, "node-8": 8, "node-12": 8 });
    const g = placeGroup(cluster, "g", { roles: [role("decode", 5, 1, 8)], rolePolicy: hard(1) });
    expect(g.reason).toBe(
      "Unschedulable: role decode needs 5 role replicas of 2 pods × 8 GPUs, each under one tier-1 HyperNode; at most 4 fit",
    );
  });

  it("prunes large searches instead of exhausting the budget (64 leaves × 8 nodes)", () => {
    const rnd = mulberry32(5);
    const nodes = Array.from({ length: 512 }, (_, i) => ({
      name: `n${i}`,
      allocatableGpus: 8,
      freeGpus: rnd() < 0.5 ? 8 - Math.floor(rnd() * 9) : 8,
    }));
    const hyperNodes = [
      ...Array.from({ length: 64 }, (_, l) => ({
        name: `leaf${l}`,
        tier: 1,
        members: [
          {
            type: "Node" as const,
            selector: {
              regexMatch: {
                pattern: `^n(${Array.from({ length: 8 }, (_, j) => l * 8 + j).join("|")})$`,
              },
            },
          },
        ],
      })),
      ...Array.from({ length: 8 }, (_, s) => ({
        name: `spine${s}`,
        tier: 2,
        members: Array.from({ length: 8 }, (_, j) => ({
          type: "HyperNode" as const,
          selector: { exactMatch: { name: `leaf${s * 8 + j}` } },
        })),
      })),
    ];
    const t: GroupTemplate = {
      roles: [role("decode", 20, 1, 8)],
      groupPolicy: hard(2),
      rolePolicy: hard(1),
    };
    const g = placeGroup({ nodes, hyperNodes }, "g", t, { searchBudget: 2_000 });
    expect(g.searchSteps).toBeLessThan(100); // the slot bound refutes each spine almost at once
    expect(g.reason).toMatch(
      /^Unschedulable: role decode needs 20 role replicas of 2 pods × 8 GPUs, each under one tier-1 HyperNode within one tier-2 HyperNode; at most \d+ fit$/,
    );
    const ok = placeGroup(
      { nodes, hyperNodes },
      "ok",
      { ...t, roles: [role("decode", 12, 1, 8)] },
      { searchBudget: 2_000 },
    );
    expect(ok.status).toBe("Placed");
    checkSound({ nodes, hyperNodes }, [ok], t);
  });

  it("fragmentation: naive first-fit fails, backtracking over HyperNodes succeeds", () => {
    const cluster: Cluster = {
      nodes: [
        { name: "a-0", allocatableGpus: 8, freeGpus: 8 },
        { name: "a-1", allocatableGpus: 8, freeGpus: 8 },
        ...[0, 1, 2, 3].map((i) => ({ name: `b-${i}`, allocatableGpus: 4, freeGpus: 4 })),
      ],
      hyperNodes: [
        {
          name: "leaf-a",
          tier: 1,
          members: [{ type: "Node", selector: { regexMatch: { pattern: "^a-" } } }],
        },
        {
          name: "leaf-b",
          tier: 1,
          members: [{ type: "Node", selector: { regexMatch: { pattern: "^b-" } } }],
        },
      ],
    };
    // "small" (4 pods × 4 GPUs) fits either leaf; "big" (2 pods × 8 GPUs) only leaf-a.
    const t: GroupTemplate = {
      roles: [role("small", 1, 3, 4), role("big", 1, 1, 8)],
      rolePolicy: hard(1),
    };
    const naive = placeGroup(cluster, "g", t, { backtracking: false });
    expect(naive.status).toBe("Unschedulable");
    expect(naive.reason).toMatch(/fragmented/);
    const g = placeGroup(cluster, "g", t);
    expect(g.status).toBe("Placed");
    expect(g.roleReplicas.map((r) => [r.role, r.domain?.name])).toEqual([
      ["small", "leaf-b"],
      ["big", "leaf-a"],
    ]);
  });

  it("relaxed gang (minRoleReplicas) places the gang and as many extra role replicas as fit; strict places none", () => {
    // 40 free GPUs: s0 has 32, node-4 has 8.
    const busy = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`node-${i + 5}`, 8]));
    const cluster = spineLeafCluster(busy);
    const relaxed = twoPfourD(8, {
      minRoleReplicas: { prefill: 1, decode: 1 },
      rolePolicy: hard(1),
    });
    const g = placeGroup(cluster, "r", relaxed);
    expect(g.status).toBe("Placed");
    expect(g.roleReplicas.filter((r) => r.mandatory).map((r) => `${r.role}-${r.replica}`)).toEqual([
      "prefill-0",
      "decode-0",
    ]);
    expect(g.roleReplicas.filter((r) => r.placed)).toHaveLength(2); // s0 holds 2 role replicas, node-4 alone holds none
    checkSound(cluster, [g], relaxed);
    const strict = placeGroup(cluster, "s", twoPfourD(8, { rolePolicy: hard(1) }));
    expect(strict.status).toBe("Unschedulable");
    expect(strict.pods).toEqual([]);
  });

  it("soft policies try tight first, then relax", () => {
    const cluster = spineLeafCluster();
    const big = { roles: [role("decode", 1, 4, 8)] }; // 5 pods × 8 = 40 GPUs > one leaf
    expect(placeGroup(cluster, "h", { ...big, rolePolicy: hard(1) }).status).toBe("Unschedulable");
    const soft = placeGroup(cluster, "s", {
      ...big,
      rolePolicy: { mode: "soft", highestTierAllowed: 1 },
    });
    expect(soft.status).toBe("Placed");
    expect(soft.topologyRelaxed).toBe(true);
    const tight = placeGroup(cluster, "t", {
      roles: [role("decode", 1, 3, 8)],
      rolePolicy: { mode: "soft", highestTierAllowed: 1 },
    });
    expect(tight.topologyRelaxed).toBe(false);
    expect(tight.roleReplicas[0]?.domain?.tier).toBe(1);
  });

  it("is deterministic", () => {
    const cluster = spineLeafCluster({ "node-3": 5, "node-9": 2 });
    const t = twoPfourD(4, { groupPolicy: hard(2), rolePolicy: hard(1) });
    const groups = [0, 1, 2].map((i) => ({ name: `g${i}`, template: t }));
    expect(placeGroups(cluster, groups)).toEqual(placeGroups(cluster, groups));
  });

  it("property: random clusters and templates never violate capacity, gang or hard topology", () => {
    const rnd = mulberry32(99);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let placed = 0;
    let refused = 0;
    for (let k = 0; k < 60; k++) {
      const busy = Object.fromEntries(
        Array.from({ length: 16 }, (_, i) => [`node-${i}`, int(0, 8)]),
      );
      const cluster = spineLeafCluster(busy);
      const t: GroupTemplate = {
        roles: [
          role("prefill", int(1, 2), int(0, 2), int(1, 4)),
          role("decode", int(1, 3), int(0, 3), int(1, 4)),
        ],
        ...(rnd() < 0.5 ? { groupPolicy: hard(int(1, 3)) } : {}),
        ...(rnd() < 0.8 ? { rolePolicy: hard(int(0, 2)) } : {}),
        ...(rnd() < 0.3 ? { minRoleReplicas: { prefill: 1, decode: 1 } } : {}),
      };
      const out = placeGroups(
        cluster,
        [0, 1, 2].map((i) => ({ name: `g${i}`, template: t })),
      );
      checkSound(cluster, out, t);
      for (const g of out) {
        if (g.status === "Placed") placed++;
        else {
          refused++;
          expect(g.reason).toMatch(/^Unschedulable: /);
        }
      }
    }
    expect(placed).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});

describe("maxPlaceableGroups", () => {
  it("counts whole ServingGroups that fit, honouring topology and existing placements", () => {
    const cluster = spineLeafCluster();
    const pair: GroupTemplate = { roles: [role("server", 1, 1, 8)], rolePolicy: hard(1) }; // 16 GPUs in one leaf
    expect(maxPlaceableGroups(cluster, pair).count).toBe(8);
    const pending = placeGroup(cluster, "pending", pair).pods;
    expect(maxPlaceableGroups(cluster, pair, pending).count).toBe(7);
    // 3 × 8 GPUs per leaf-bound replica: 4 fit although 128 / 24 would suggest 5.
    const triple: GroupTemplate = { roles: [role("server", 1, 2, 8)], rolePolicy: hard(1) };
    const r = maxPlaceableGroups(cluster, triple);
    expect(r.count).toBe(4);
    expect(r.blockedBy).toBe(
      "Unschedulable: role server needs 3 pods × 8 GPUs under one tier-1 HyperNode; the largest leaf has 8 free GPUs",
    );
    expect(maxPlaceableGroups(cluster, triple, [], { limit: 2 })).toMatchObject({ count: 2 });
    expect(
      maxPlaceableGroups(cluster, twoPfourD(8, { groupPolicy: hard(3), rolePolicy: hard(1) }))
        .count,
    ).toBe(1);
  });
});
