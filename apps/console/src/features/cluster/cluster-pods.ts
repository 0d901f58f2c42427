"use client";
// The pods placed in a cluster as the topology picture draws them (coloured by ModelServing,
// ServingGroup and role), and the groups that break their ModelServing's networkTopology policy.
import { useMemo } from "react";
import { LABEL_GROUP_NAME, LABEL_MODEL_SERVING_NAME, LABEL_ROLE } from "@tessera/shared/api/labels";
import type { Cluster as PlacementCluster, TopologyPolicy } from "@tessera/shared/placement/types";
import type { ClusterRef } from "~/lib/api-types";
import { ModelServings, Pods, type PodSpecLite } from "~/lib/kube";
import { useList } from "~/lib/resources";
import { findViolations, type TopoPod } from "../topology/layout";

export function gpusOf(spec: PodSpecLite | undefined): number {
  return (spec?.containers ?? []).reduce(
    (s, c) =>
      s +
      Number(
        c.resources?.requests?.["nvidia.com/gpu"] ?? c.resources?.limits?.["nvidia.com/gpu"] ?? 0,
      ),
    0,
  );
}

interface GroupPolicySpec {
  template?: {
    networkTopology?: { groupPolicy?: { mode?: "hard" | "soft"; highestTierAllowed?: number } };
  };
}

export function groupPolicyOf(spec: unknown): TopologyPolicy | undefined {
  const gp = (spec as GroupPolicySpec | undefined)?.template?.networkTopology?.groupPolicy;
  if (!gp) return undefined;
  return {
    mode: gp.mode ?? "hard",
    ...(gp.highestTierAllowed !== undefined ? { highestTierAllowed: gp.highestTierAllowed } : {}),
  };
}

export function useClusterPods(clusters: readonly ClusterRef[], fabric: PlacementCluster | null) {
  const pods = useList(Pods, clusters);
  const servings = useList(ModelServings, clusters);
  const topoPods: TopoPod[] = useMemo(
    () =>
      pods.items
        .filter((p) => p.spec?.nodeName)
        .map((p) => ({
          name: p.metadata.name,
          node: p.spec?.nodeName ?? "",
          gpus: gpusOf(p.spec),
          modelServing: p.metadata.labels?.[LABEL_MODEL_SERVING_NAME] ?? "?",
          group: p.metadata.labels?.[LABEL_GROUP_NAME] ?? "?",
          role: p.metadata.labels?.[LABEL_ROLE] ?? "?",
        })),
    [pods.items],
  );
  const violations = useMemo(() => {
    if (!fabric) return [];
    const policies = new Map(
      servings.items.map((ms) => [ms.metadata.name, groupPolicyOf(ms.spec)]),
    );
    return findViolations(fabric, topoPods, (ms) => policies.get(ms));
  }, [fabric, servings.items, topoPods]);
  return { pods, servings, topoPods, violations };
}
