// Resolves Volcano HyperNodes into node sets per tier: tier-1 members select nodes by exact name,
// regex (unanchored, like Go's regexp.MatchString) or label selector; higher tiers select
// HyperNodes the same way. A node's chain is the HyperNode containing it at each tier.
import type {
  Cluster,
  ClusterNode,
  DomainRef,
  HyperNodeInput,
  LabelSelector,
  MemberSelector,
} from "./types.ts";

export interface Domain {
  name: string;
  tier: number;
  /** Node indices, ascending. */
  nodes: number[];
  /** Child domains (tier ≥ 2). */
  children: number[];
  /** Nodes that are direct members (not inside a child HyperNode), ascending. */
  directNodes: number[];
  parent?: number;
}

export function matchesLabels(
  labels: Readonly<Record<string, string>> | undefined,
  sel: LabelSelector,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const val = l[e.key];
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(val ?? "")) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(val ?? "")) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

function selects(
  sel: MemberSelector,
  name: string,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (sel.exactMatch) return sel.exactMatch.name === name;
  if (sel.regexMatch) {
    try {
      return new RegExp(sel.regexMatch.pattern).test(name);
    } catch {
      return false;
    }
  }
  if (sel.labelMatch) return matchesLabels(labels, sel.labelMatch);
  return false;
}

export class Topology {
  readonly nodes: readonly ClusterNode[];
  readonly domains: Domain[] = [];
  /** True when every node has at most one HyperNode per tier and every HyperNode one parent. */
  readonly isTree: boolean;
  readonly maxTier: number;
  private readonly chains: DomainRef[][];
  private readonly byName = new Map<string, number>();

  constructor(cluster: Cluster) {
    this.nodes = cluster.nodes;
    const hns = [...cluster.hyperNodes].sort(
      (a, b) => a.tier - b.tier || a.name.localeCompare(b.name),
    );
    hns.forEach((h, i) => this.byName.set(h.name, i));
    const nodeSets = new Map<number, Set<number>>();
    const childSets = new Map<number, Set<number>>();
    const resolving = new Set<number>();
    const resolve = (i: number): Set<number> => {
      const done = nodeSets.get(i);
      if (done) return done;
      if (resolving.has(i)) return new Set(); // cycle guard
      resolving.add(i);
      const h = hns[i] as HyperNodeInput;
      const set = new Set<number>();
      const kids = new Set<number>();
      for (const m of h.members) {
        if (m.type === "Node") {
          this.nodes.forEach((n, ni) => {
            if (selects(m.selector, n.name, n.labels)) set.add(ni);
          });
        } else {
          hns.forEach((c, ci) => {
            if (ci !== i && c.tier < h.tier && selects(m.selector, c.name, c.labels)) {
              kids.add(ci);
              for (const ni of resolve(ci)) set.add(ni);
            }
          });
        }
      }
      resolving.delete(i);
      nodeSets.set(i, set);
      childSets.set(i, kids);
      return set;
    };
    hns.forEach((_, i) => resolve(i));
    let tree = true;
    hns.forEach((h, i) => {
      const children = [...(childSets.get(i) ?? [])].sort((a, b) => a - b);
      const nodes = [...(nodeSets.get(i) ?? [])].sort((a, b) => a - b);
      const covered = new Set(children.flatMap((c) => [...(nodeSets.get(c) ?? [])]));
      const d: Domain = {
        name: h.name,
        tier: h.tier,
        nodes,
        children,
        directNodes: nodes.filter((n) => !covered.has(n)),
      };
      this.domains.push(d);
    });
    this.domains.forEach((d, i) => {
      for (const c of d.children) {
        const child = this.domains[c];
        if (!child) continue;
        if (child.parent !== undefined && child.parent !== i) tree = false;
        child.parent = i;
      }
    });
    this.chains = this.nodes.map(() => []);
    const perTier = this.nodes.map(() => new Map<number, number>());
    this.domains.forEach((d) => {
      for (const ni of d.nodes) {
        const seen = perTier[ni];
        if (!seen) continue;
        seen.set(d.tier, (seen.get(d.tier) ?? 0) + 1);
        if ((seen.get(d.tier) ?? 0) === 1) this.chains[ni]?.push({ name: d.name, tier: d.tier });
        else tree = false;
      }
    });
    this.isTree = tree;
    this.maxTier = this.domains.reduce((m, d) => Math.max(m, d.tier), 0);
  }

  chainOf(node: number): DomainRef[] {
    return this.chains[node] ?? [];
  }

  domainIndex(name: string): number | undefined {
    return this.byName.get(name);
  }
}
