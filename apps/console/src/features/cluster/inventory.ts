// Inventory (nodes, GPUs, HyperNodes) → placement-preview input, and the cluster inventory resource.
import type { Cluster as PlacementCluster, HyperNodeInput } from "@tessera/shared/placement/types";
import type { Inventory } from "~/lib/api-types";
import { defineResource } from "~/lib/resources";

const natural = new Intl.Collator(undefined, { numeric: true }).compare;

export function placementClusterOf(inv: Inventory): PlacementCluster {
  return {
    nodes: [...inv.nodes]
      .sort((a, b) => natural(a.name, b.name))
      .map((n) => ({
        name: n.name,
        labels: n.labels,
        allocatableGpus: n.allocatableGpus,
        freeGpus: n.freeGpus,
        unschedulable: n.unschedulable || !n.ready,
      })),
    hyperNodes: inv.hyperNodes.map((h) => ({
      name: h.name,
      tier: h.tier,
      labels: h.labels,
      members: h.members as HyperNodeInput["members"],
    })),
  };
}

/** One cluster's inventory, as a one-item list so it fans out like every other resource. */
export const InventoryResource = defineResource<Inventory, Inventory>({
  kind: "Inventory",
  query: (trpc, c) => trpc.clusters.inventory.queryOptions({ clusterId: c.id }),
  select: (raw) => [{ ...raw, nodes: [...raw.nodes].sort((a, b) => natural(a.name, b.name)) }],
  refetchInterval: 15_000,
});
