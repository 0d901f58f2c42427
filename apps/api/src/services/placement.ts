// Placement preview: where each ServingGroup and role of a ModelServing would land on a cluster's
// free GPUs under its gang and network-topology constraints, or why it cannot.
import { hyperNodesFromObjects, previewModelServing } from "@tessera/shared/placement/index";
import type { Cluster, ModelServingLike } from "@tessera/shared/placement/index";
import type { HyperNode } from "@tessera/shared";
import type { Inventory } from "../clusters/kube.ts";
import type { ClustersService } from "./clusters.ts";

export function clusterFromInventory(inv: Inventory): Cluster {
  return {
    nodes: inv.nodes.map((n) => ({
      name: n.name,
      labels: n.labels,
      allocatableGpus: n.allocatableGpus,
      freeGpus: n.freeGpus,
      unschedulable: n.unschedulable || !n.ready,
    })),
    hyperNodes: hyperNodesFromObjects(
      inv.hyperNodes.map(
        (h) =>
          ({
            metadata: { name: h.name, labels: h.labels },
            spec: { tier: h.tier, members: h.members },
          }) as unknown as Pick<HyperNode, "metadata" | "spec">,
      ),
    ),
  };
}

export function placementService(deps: { clusters: ClustersService }) {
  return {
    async preview(
      clusterId: string,
      modelServing: ModelServingLike,
      tierNames?: Record<string, number>,
    ) {
      const inv = await deps.clusters.inventory(clusterId);
      const cluster = clusterFromInventory(inv);
      const groups = previewModelServing(cluster, modelServing, tierNames ? { tierNames } : {});
      return {
        cluster: {
          nodes: cluster.nodes.length,
          freeGpus: inv.gpus.free,
          hyperNodes: cluster.hyperNodes.length,
        },
        placeable: groups.every((g) => g.status === "Placed"),
        groups,
      };
    },
  };
}
