// Gang + network-topology placement preview (deterministic). For each ServingGroup:
//   1. Group domain: with a group policy {hard, tier T}, try HyperNodes of tier 1..T (lowest tier
//      first; inside a tier best fit = fewest free GPUs that can hold the gang, then name); soft
//      policies fall back to the whole cluster. No group policy ⇒ the whole cluster.
//   2. Inside it, the gang's role replicas (entry + workers, the PodGroup sub-groups) are placed by a
//      depth-first search: role replicas largest first; for each, candidate HyperNodes of tier
//      1..Tr of the role policy inside the group domain (tightest tier first, then best fit; soft ⇒
//      the group domain as a last, "relaxed" candidate); pods bin-packed inside the candidate with
//      best-fit decreasing; on a dead end the search backtracks to the next candidate. Sibling
//      HyperNodes whose free capacity is identical are interchangeable, so only one is tried.
//   3. Strict gang: every role replica is in the gang. Relaxed gang (minRoleReplicas): the first
//      minRoleReplicas replicas of each role form the gang. The search first tries to place the
//      whole group; if no domain holds it, it places the gang alone and then the other role
//      replicas one by one (each atomically) where they still fit inside the chosen group domain.
// Nothing of a group is placed unless its whole gang is; failures carry a reason naming the
// binding constraint.
import { Topology } from "./topology.ts";
import type {
  Cluster,
  DomainRef,
  GroupPlacement,
  GroupTemplate,
  PlacementOptions,
  PodPlacement,
  PodRequest,
  RoleReplicaPlacement,
  TopologyPolicy,
} from "./types.ts";

interface Pod {
  index: number;
  req: PodRequest;
}

interface Unit {
  role: string;
  roleIdx: number;
  replica: number;
  mandatory: boolean;
  pods: Pod[];
  gpus: number;
}

interface Candidate {
  ref?: DomainRef;
  tier: number;
  nodes: readonly number[];
  /** Symmetry key (undefined ⇒ never pruned). */
  key?: string;
  relaxed: boolean;
}

type Assignment = { pod: Pod; node: number }[];

const DEFAULT_BUDGET = 50_000;

/** Mutable free capacity per node. */
export class FreeState {
  readonly gpus: Float64Array;
  readonly cpu: Float64Array;
  readonly mem: Float64Array;
  readonly usable: boolean[];

  constructor(cluster: Cluster) {
    const n = cluster.nodes.length;
    this.gpus = new Float64Array(n);
    this.cpu = new Float64Array(n);
    this.mem = new Float64Array(n);
    this.usable = cluster.nodes.map((node) => node.unschedulable !== true);
    cluster.nodes.forEach((node, i) => {
      this.gpus[i] = node.freeGpus;
      this.cpu[i] = node.freeCpuMilli ?? Number.POSITIVE_INFINITY;
      this.mem[i] = node.freeMemoryBytes ?? Number.POSITIVE_INFINITY;
    });
  }

  fits(node: number, r: PodRequest): boolean {
    return (
      (this.usable[node] ?? false) &&
      (this.gpus[node] ?? 0) >= r.gpus &&
      (this.cpu[node] ?? 0) >= (r.cpuMilli ?? 0) &&
      (this.mem[node] ?? 0) >= (r.memoryBytes ?? 0)
    );
  }

  take(node: number, r: PodRequest, sign = 1): void {
    this.gpus[node] = (this.gpus[node] ?? 0) - sign * r.gpus;
    this.cpu[node] = (this.cpu[node] ?? 0) - sign * (r.cpuMilli ?? 0);
    this.mem[node] = (this.mem[node] ?? 0) - sign * (r.memoryBytes ?? 0);
  }

  freeGpus(nodes: readonly number[]): number {
    let s = 0;
    for (const n of nodes) if (this.usable[n]) s += Math.max(0, this.gpus[n] ?? 0);
    return s;
  }

  nodeKey(n: number): string {
    return this.usable[n] ? `${this.gpus[n]}/${this.cpu[n]}/${this.mem[n]}` : "x";
  }
}

export function expandUnits(t: GroupTemplate): Unit[] {
  const units: Unit[] = [];
  t.roles.forEach((role, roleIdx) => {
    const min = t.minRoleReplicas
      ? Math.min(role.replicas, t.minRoleReplicas[role.name] ?? role.replicas)
      : role.replicas;
    for (let r = 0; r < role.replicas; r++) {
      const pods: Pod[] = [{ index: 0, req: role.entry }];
      for (let w = 1; w <= role.workerReplicas; w++) pods.push({ index: w, req: role.worker });
      units.push({
        role: role.name,
        roleIdx,
        replica: r,
        mandatory: r < min,
        pods,
        gpus: pods.reduce((a, p) => a + p.req.gpus, 0),
      });
    }
  });
  return units;
}

function tierLabel(t: number): string {
  return t <= 0 ? "one node" : `one tier-${t} HyperNode`;
}

function describeUnit(u: Unit): string {
  const g = u.pods[0]?.req.gpus ?? 0;
  return u.pods.every((p) => p.req.gpus === g)
    ? `${u.pods.length} pods × ${g} GPUs`
    : `${u.pods.length} pods (${u.gpus} GPUs)`;
}

export class Placer {
  readonly topo: Topology;
  readonly state: FreeState;
  private readonly options: Required<PlacementOptions>;

  constructor(cluster: Cluster, options: PlacementOptions = {}) {
    this.topo = new Topology(cluster);
    this.state = new FreeState(cluster);
    this.options = {
      searchBudget: options.searchBudget ?? DEFAULT_BUDGET,
      backtracking: options.backtracking ?? true,
    };
  }

  /** Consumes the resources of pods already placed (e.g. pending groups) by node name. */
  reserve(pods: readonly Pick<PodPlacement, "node" | "gpus" | "cpuMilli" | "memoryBytes">[]): void {
    for (const p of pods) {
      const i = this.topo.nodes.findIndex((n) => n.name === p.node);
      if (i >= 0)
        this.state.take(i, {
          gpus: p.gpus,
          ...(p.cpuMilli !== undefined ? { cpuMilli: p.cpuMilli } : {}),
          ...(p.memoryBytes !== undefined ? { memoryBytes: p.memoryBytes } : {}),
        });
    }
  }

  /** Canonical form of a domain's free capacity (for sibling symmetry). */
  private canon(d: number): string {
    const dom = this.topo.domains[d];
    if (!dom) return "";
    const direct = dom.directNodes.map((n) => this.state.nodeKey(n)).sort();
    const kids = dom.children.map((c) => this.canon(c)).sort();
    return `${dom.tier}[${direct.join(",")}|${kids.join(",")}]`;
  }

  /**
   * Necessary condition: role replicas cannot span the maximal allowed domains inside `within`, so
   * for each shape of identical-size pods, Σ over those domains of ⌊GPU slots / pods per replica⌋
   * must cover the remaining replicas of that shape. Exact for identical replicas; prunes the
   * search long before the budget on large clusters.
   */
  private slotBoundFails(
    list: readonly Unit[],
    k: number,
    within: Candidate,
    policy: TopologyPolicy | undefined,
  ): boolean {
    if (!this.topo.isTree) return false;
    const shapes = new Map<string, { g: number; pods: number; count: number }>();
    for (let i = k; i < list.length; i++) {
      const u = list[i] as Unit;
      const g = u.pods[0]?.req.gpus ?? 0;
      if (g <= 0 || !u.pods.every((p) => p.req.gpus === g)) continue;
      const key = `${g}x${u.pods.length}`;
      const s = shapes.get(key) ?? { g, pods: u.pods.length, count: 0 };
      s.count++;
      shapes.set(key, s);
    }
    if (shapes.size === 0) return false;
    const parts = this.partitions(
      within,
      policy?.mode === "hard" ? policy.highestTierAllowed : undefined,
    );
    for (const s of shapes.values())
      if (this.replicasThatFit(parts, s.g, s.pods, s.count) < s.count) return true;
    return false;
  }

  /** How many role replicas of `pods` pods × `g` GPUs fit, each inside one of `parts` (capped at `cap`). */
  private replicasThatFit(
    parts: readonly (readonly number[])[],
    g: number,
    pods: number,
    cap: number,
  ): number {
    let fit = 0;
    for (const nodes of parts) {
      let slots = 0;
      for (const n of nodes)
        if (this.state.usable[n]) slots += Math.floor(Math.max(0, this.state.gpus[n] ?? 0) / g);
      fit += Math.floor(slots / pods);
      if (fit >= cap) break;
    }
    return fit;
  }

  /** The maximal domains of tier ≤ maxTier inside `within` (a role replica lives inside one). */
  private partitions(within: Candidate, maxTier: number | undefined): (readonly number[])[] {
    if (maxTier === undefined || maxTier >= within.tier) return [within.nodes];
    if (maxTier < 1) return within.nodes.map((n) => [n]);
    const inside = new Set(within.nodes);
    const out: (readonly number[])[] = [];
    this.topo.domains.forEach((d) => {
      if (d.tier > maxTier || d.nodes.length === 0 || !d.nodes.every((n) => inside.has(n))) return;
      const parent = d.parent !== undefined ? this.topo.domains[d.parent] : undefined;
      const parentAllowed =
        parent !== undefined && parent.tier <= maxTier && parent.nodes.every((n) => inside.has(n));
      if (!parentAllowed) out.push(d.nodes);
    });
    return out;
  }

  /** Free capacity inside a group domain, canonical up to tree symmetry when possible. */
  private stateKey(within: Candidate): string {
    const d = within.ref ? this.topo.domainIndex(within.ref.name) : undefined;
    if (d !== undefined && within.ref && within.ref.tier > 0 && this.topo.isTree)
      return this.canon(d);
    return within.nodes.map((n) => this.state.nodeKey(n)).join(",");
  }

  /** Candidate domains at tiers ≤ policy tier inside `within` (node mask), tight first. */
  private candidates(
    policy: TopologyPolicy | undefined,
    within: Candidate,
    needGpus: number,
    siblingKeys: boolean,
  ): Candidate[] {
    if (!policy) return [within];
    const maxTier = policy.highestTierAllowed ?? Number.POSITIVE_INFINITY;
    const inside = new Set(within.nodes);
    const out: Candidate[] = [];
    const tree = this.topo.isTree;
    if (maxTier < 1 || policy.highestTierAllowed === 0) {
      for (const n of within.nodes) {
        const chain = this.topo.chainOf(n);
        out.push({
          tier: 0,
          nodes: [n],
          ref: { name: this.topo.nodes[n]?.name ?? "", tier: 0 },
          relaxed: false,
          ...(tree
            ? { key: `${siblingKeys ? (chain[0]?.name ?? "-") : ""}|${this.state.nodeKey(n)}` }
            : {}),
        });
      }
    } else {
      this.topo.domains.forEach((d, i) => {
        if (d.tier > maxTier || d.nodes.length === 0 || !d.nodes.every((n) => inside.has(n)))
          return;
        const parent = d.parent !== undefined ? (this.topo.domains[d.parent]?.name ?? "-") : "-";
        out.push({
          tier: d.tier,
          nodes: d.nodes,
          ref: { name: d.name, tier: d.tier },
          relaxed: false,
          ...(tree ? { key: `${d.tier}|${siblingKeys ? parent : ""}|${this.canon(i)}` } : {}),
        });
      });
    }
    const free = new Map(out.map((c) => [c, this.state.freeGpus(c.nodes)]));
    if (this.options.backtracking) {
      out.sort(
        (a, b) =>
          a.tier - b.tier ||
          Number((free.get(a) ?? 0) < needGpus) - Number((free.get(b) ?? 0) < needGpus) ||
          (free.get(a) ?? 0) - (free.get(b) ?? 0) ||
          (a.ref?.name ?? "").localeCompare(b.ref?.name ?? ""),
      );
    } else {
      out.sort((a, b) => a.tier - b.tier || (a.ref?.name ?? "").localeCompare(b.ref?.name ?? ""));
    }
    if (policy.mode === "soft") out.push({ ...within, relaxed: true, key: "relaxed" });
    return out;
  }

  /** Best-fit decreasing of one unit's pods into `nodes`; undefined (and nothing taken) if it fails. */
  private binPack(u: Unit, nodes: readonly number[]): Assignment | undefined {
    const pods = [...u.pods].sort((a, b) => b.req.gpus - a.req.gpus || a.index - b.index);
    const done: Assignment = [];
    for (const pod of pods) {
      let best = -1;
      let bestLeft = Number.POSITIVE_INFINITY;
      for (const n of nodes) {
        if (!this.state.fits(n, pod.req)) continue;
        const left = (this.state.gpus[n] ?? 0) - pod.req.gpus;
        if (left < bestLeft) {
          best = n;
          bestLeft = left;
        }
      }
      if (best < 0) {
        this.undo(done);
        return undefined;
      }
      this.state.take(best, pod.req);
      done.push({ pod, node: best });
    }
    return done;
  }

  private undo(a: Assignment): void {
    for (const { pod, node } of a) this.state.take(node, pod.req, -1);
  }

  placeGroup(name: string, t: GroupTemplate): GroupPlacement {
    const units = expandUnits(t);
    const order = (list: Unit[]) =>
      this.options.backtracking
        ? list.sort(
            (a, b) =>
              b.gpus - a.gpus ||
              b.pods.length - a.pods.length ||
              a.roleIdx - b.roleIdx ||
              a.replica - b.replica,
          )
        : list;
    const gang = order(units.filter((u) => u.mandatory));
    const all: Candidate = {
      tier: Number.POSITIVE_INFINITY,
      nodes: this.topo.nodes.map((_, i) => i),
      relaxed: false,
    };
    let steps = 0;
    let passStart = 0;
    let exhausted = false;

    // Depth-first search placing `list` (all or nothing) inside the group domain `within`.
    const search = (
      list: readonly Unit[],
      within: Candidate,
    ): Map<Unit, { cand: Candidate; a: Assignment }> | undefined => {
      const chosen: { cand: Candidate; a: Assignment }[] = [];
      const failed = new Set<string>();
      const dfs = (k: number, remaining: number): boolean => {
        if (k === list.length) return true;
        if (++steps - passStart > this.options.searchBudget) {
          exhausted = true;
          return false;
        }
        if (this.state.freeGpus(within.nodes) < remaining) return false;
        // The rest of the search depends only on k and the free capacity inside `within`; states
        // already known to fail (possibly reached by a symmetric route) are not explored again.
        if (this.slotBoundFails(list, k, within, t.rolePolicy)) return false;
        const memoKey = `${k}#${this.stateKey(within)}`;
        if (failed.has(memoKey)) return false;
        const u = list[k] as Unit;
        const seen = new Set<string>();
        for (const cand of this.candidates(t.rolePolicy, within, u.gpus, true)) {
          if (this.state.freeGpus(cand.nodes) < u.gpus) continue;
          if (cand.key !== undefined) {
            if (seen.has(cand.key)) continue;
            seen.add(cand.key);
          }
          const a = this.binPack(u, cand.nodes);
          if (!a) continue;
          chosen[k] = { cand, a };
          if (dfs(k + 1, remaining - u.gpus)) return true;
          this.undo(a);
          if (!this.options.backtracking || exhausted) return false;
        }
        failed.add(memoKey);
        return false;
      };
      if (
        !dfs(
          0,
          list.reduce((a, u) => a + u.gpus, 0),
        )
      )
        return undefined;
      return new Map(list.map((u, i) => [u, chosen[i] as { cand: Candidate; a: Assignment }]));
    };

    // Pass 1: the whole group in the tightest domain that holds it. Pass 2 (relaxed gang only): the
    // gang alone, then the optional role replicas one by one where they still fit in that domain.
    const passes: { list: Unit[]; optional: Unit[] }[] = [
      { list: order([...units]), optional: [] },
    ];
    if (gang.length < units.length)
      passes.push({ list: gang, optional: units.filter((u) => !u.mandatory) });
    for (const pass of passes) {
      // Each pass gets the full budget: an exhausted whole-group pass must not starve the gang.
      passStart = steps;
      exhausted = false;
      const need = pass.list.reduce((a, u) => a + u.gpus, 0);
      const seenGroup = new Set<string>();
      for (const g of this.candidates(t.groupPolicy, all, need, false)) {
        if (this.state.freeGpus(g.nodes) < need) continue;
        if (g.key !== undefined) {
          if (seenGroup.has(g.key)) continue;
          seenGroup.add(g.key);
        }
        const results = search(pass.list, g);
        if (!results) {
          if (exhausted || !this.options.backtracking) break;
          continue;
        }
        for (const u of pass.optional) {
          for (const cand of this.candidates(t.rolePolicy, g, u.gpus, true)) {
            const a = this.binPack(u, cand.nodes);
            if (a) {
              results.set(u, { cand, a });
              break;
            }
          }
        }
        return { ...this.result(name, units, results, g), searchSteps: steps };
      }
    }
    return {
      group: name,
      status: "Unschedulable",
      reason: this.diagnose(t, gang, exhausted, steps),
      topologyRelaxed: false,
      roleReplicas: units.map((u) => ({
        role: u.role,
        replica: u.replica,
        mandatory: u.mandatory,
        placed: false,
      })),
      pods: [],
      searchSteps: steps,
    };
  }

  private result(
    name: string,
    units: readonly Unit[],
    results: Map<Unit, { cand: Candidate; a: Assignment }>,
    g: Candidate,
  ): Omit<GroupPlacement, "searchSteps"> {
    const pods: PodPlacement[] = [];
    const roleReplicas: RoleReplicaPlacement[] = [];
    let relaxed = g.relaxed;
    for (const u of units) {
      const r = results.get(u);
      roleReplicas.push({
        role: u.role,
        replica: u.replica,
        mandatory: u.mandatory,
        placed: r !== undefined,
        ...(r?.cand.ref ? { domain: r.cand.ref } : {}),
        ...(r?.cand.relaxed ? { relaxed: true } : {}),
      });
      if (r?.cand.relaxed) relaxed = true;
      if (!r) continue;
      for (const { pod, node } of [...r.a].sort((a, b) => a.pod.index - b.pod.index)) {
        pods.push({
          pod: `${name}-${u.role}-${u.replica}-${pod.index}`,
          group: name,
          role: u.role,
          replica: u.replica,
          index: pod.index,
          gpus: pod.req.gpus,
          ...(pod.req.cpuMilli !== undefined ? { cpuMilli: pod.req.cpuMilli } : {}),
          ...(pod.req.memoryBytes !== undefined ? { memoryBytes: pod.req.memoryBytes } : {}),
          node: this.topo.nodes[node]?.name ?? "",
          hyperNodes: this.topo.chainOf(node),
        });
      }
    }
    return {
      group: name,
      status: "Placed",
      ...(g.ref ? { groupDomain: g.ref } : {}),
      topologyRelaxed: relaxed,
      roleReplicas,
      pods,
    };
  }

  private largestFree(maxTier: number | undefined): { free: number; tier: number } {
    const t = maxTier ?? Number.POSITIVE_INFINITY;
    if (t < 1) {
      let best = 0;
      this.topo.nodes.forEach((_, i) => (best = Math.max(best, this.state.freeGpus([i]))));
      return { free: best, tier: 0 };
    }
    let best = 0;
    for (const d of this.topo.domains)
      if (d.tier <= t) best = Math.max(best, this.state.freeGpus(d.nodes));
    return { free: best, tier: t };
  }

  private diagnose(
    t: GroupTemplate,
    gang: readonly Unit[],
    exhausted: boolean,
    steps: number,
  ): string {
    const nodes = this.topo.nodes.map((_, i) => i);
    const podCount = gang.reduce((a, u) => a + u.pods.length, 0);
    const gpus = gang.reduce((a, u) => a + u.gpus, 0);
    let maxNode = 0;
    for (const n of nodes)
      if (this.state.usable[n]) maxNode = Math.max(maxNode, this.state.gpus[n] ?? 0);
    for (const u of gang) {
      const big = u.pods.reduce((m, p) => Math.max(m, p.req.gpus), 0);
      if (big > maxNode)
        return `Unschedulable: role ${u.role} has pods needing ${big} GPUs; the largest free on any node is ${maxNode}`;
    }
    const total = this.state.freeGpus(nodes);
    if (gpus > total)
      return `Unschedulable: the gang needs ${podCount} pods and ${gpus} GPUs; the cluster has ${total} free GPUs`;
    if (t.groupPolicy?.mode === "hard" && t.groupPolicy.highestTierAllowed !== undefined) {
      const { free } = this.largestFree(t.groupPolicy.highestTierAllowed);
      if (free < gpus) {
        return `Unschedulable: the gang needs ${podCount} pods and ${gpus} GPUs under ${tierLabel(t.groupPolicy.highestTierAllowed)}; the largest has ${free} free GPUs`;
      }
    }
    if (t.rolePolicy?.mode === "hard" && t.rolePolicy.highestTierAllowed !== undefined) {
      const tier = t.rolePolicy.highestTierAllowed;
      const { free } = this.largestFree(tier);
      for (const u of gang) {
        if (u.gpus > free) {
          const what = tier <= 0 ? "node" : tier === 1 ? "leaf" : `tier-≤${tier} HyperNode`;
          return `Unschedulable: role ${u.role} needs ${describeUnit(u)} under ${tierLabel(tier)}; the largest ${what} has ${free} free GPUs`;
        }
      }
    }
    // Per pod shape: how many gang role replicas fit at best (role policy partitions, group domains).
    const all: Candidate = { tier: Number.POSITIVE_INFINITY, nodes, relaxed: false };
    const groupDomains =
      t.groupPolicy?.mode === "hard" ? this.candidates(t.groupPolicy, all, 0, false) : [all];
    const rolePolicyTier =
      t.rolePolicy?.mode === "hard" ? t.rolePolicy.highestTierAllowed : undefined;
    const shapes = new Map<string, { roles: string[]; units: Unit[] }>();
    for (const u of gang) {
      const g = u.pods[0]?.req.gpus ?? 0;
      if (g <= 0 || u.pods.some((p) => p.req.gpus !== g)) continue;
      const key = `${g}x${u.pods.length}`;
      const sh = shapes.get(key) ?? { roles: [], units: [] };
      if (!sh.roles.includes(u.role)) sh.roles.push(u.role);
      sh.units.push(u);
      shapes.set(key, sh);
    }
    for (const { roles, units } of shapes.values()) {
      const u = units[0] as Unit;
      const g = u.pods[0]?.req.gpus ?? 0;
      let best = 0;
      for (const d of groupDomains) {
        best = Math.max(
          best,
          this.replicasThatFit(this.partitions(d, rolePolicyTier), g, u.pods.length, units.length),
        );
      }
      if (best < units.length) {
        const where =
          rolePolicyTier !== undefined ? `, each under ${tierLabel(rolePolicyTier)}` : "";
        const gt = t.groupPolicy?.mode === "hard" ? t.groupPolicy.highestTierAllowed : undefined;
        const scope = gt !== undefined ? ` within ${tierLabel(gt)}` : "";
        const who = roles.length === 1 ? `role ${roles[0] ?? ""}` : `roles ${roles.join(" + ")}`;
        return `Unschedulable: ${who} need${roles.length === 1 ? "s" : ""} ${units.length} role replicas of ${describeUnit(u)}${where}${scope}; at most ${best} fit`;
      }
    }
    if (exhausted)
      return `Unschedulable: search budget exhausted after ${steps} steps without placing the gang of ${podCount} pods`;
    return `Unschedulable: free GPUs are too fragmented to place the gang of ${podCount} pods (${gpus} GPUs) under its topology constraints`;
  }
}

/** Places groups one after another on a copy of the cluster's free capacity. */
export function placeGroups(
  cluster: Cluster,
  groups: readonly { name: string; template: GroupTemplate }[],
  options: PlacementOptions = {},
): GroupPlacement[] {
  const p = new Placer(cluster, options);
  return groups.map((g) => p.placeGroup(g.name, g.template));
}

export function placeGroup(
  cluster: Cluster,
  name: string,
  template: GroupTemplate,
  options: PlacementOptions = {},
): GroupPlacement {
  return new Placer(cluster, options).placeGroup(name, template);
}

export interface MaxPlaceable {
  /** ServingGroups of this template whose gang fits now, on top of the existing placements. */
  count: number;
  /** Of those, groups with every role replica placed (differs from count only for relaxed gangs). */
  complete: number;
  placements: GroupPlacement[];
  /** Why one more does not fit (undefined if the limit was reached first). */
  blockedBy?: string;
}

/**
 * How many more ServingGroups of `template` can be placed (the autoscaler scales in placeable
 * units). `existing` are pods already planned but not yet reflected in the nodes' free capacity.
 * `wholeGroups` counts only groups placed completely (a relaxed gang treated as strict).
 */
export function maxPlaceableGroups(
  cluster: Cluster,
  template: GroupTemplate,
  existing: readonly Pick<PodPlacement, "node" | "gpus" | "cpuMilli" | "memoryBytes">[] = [],
  options: PlacementOptions & { limit?: number; namePrefix?: string; wholeGroups?: boolean } = {},
): MaxPlaceable {
  const p = new Placer(cluster, options);
  p.reserve(existing);
  const placements: GroupPlacement[] = [];
  const limit = options.limit ?? 1000;
  const t: GroupTemplate = options.wholeGroups
    ? { ...template, minRoleReplicas: undefined }
    : template;
  const done = (blockedBy?: string): MaxPlaceable => ({
    count: placements.length,
    complete: placements.filter((g) => g.roleReplicas.every((r) => r.placed)).length,
    placements,
    ...(blockedBy !== undefined ? { blockedBy } : {}),
  });
  if (expandUnits(t).every((u) => u.gpus === 0))
    return done("template requests no GPUs; the count is not bounded by GPUs");
  for (let i = 0; i < limit; i++) {
    const g = p.placeGroup(`${options.namePrefix ?? "group"}-${i}`, t);
    if (g.status !== "Placed") return done(g.reason);
    placements.push(g);
  }
  return done();
}
