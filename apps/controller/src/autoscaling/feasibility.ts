// Feasibility before scaling (issue item 4): the cluster inventory from the Node, Pod and HyperNode
// caches, and how many more ServingGroups (or role replicas) of a ModelServing can be placed now
// under its gang and networkTopology constraints (placement/maxPlaceableGroups).
import { quantityToNumber, type Quantity } from "@tessera/shared/api/common/quantity";
import type { ModelServing } from "@tessera/shared/api/workload/model-serving";
import type { HyperNode } from "@tessera/shared/api/volcano/hyper-node";
import type { PlaceableCapacity } from "@tessera/shared/autoscaling/index";
import {
  DEFAULT_GPU_RESOURCES,
  groupTemplateFromModelServing,
  hyperNodesFromObjects,
  maxPlaceableGroups,
  podRequestOf,
  type Cluster,
  type ClusterNode,
  type PodPlacement,
} from "@tessera/shared/placement/index";
import type { KubeObject, PodObject } from "../k8s/types.ts";

export interface NodeObject extends KubeObject {
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, Quantity> };
}

const LABEL_MS = "modelserving.volcano.sh/name";
const LABEL_GROUP = "modelserving.volcano.sh/group-name";

function terminal(p: PodObject): boolean {
  return p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
}

/** Free GPUs/CPU/memory per node = allocatable − requests of the non-terminal pods bound to it. */
export function clusterInventory(
  nodes: readonly NodeObject[],
  pods: readonly PodObject[],
  hyperNodes: readonly KubeObject[],
): Cluster {
  const used = new Map<string, { gpus: number; cpu: number; mem: number }>();
  for (const p of pods) {
    const node = p.spec?.["nodeName"];
    if (typeof node !== "string" || terminal(p)) continue;
    const r = podRequestOf(p.spec);
    const u = used.get(node) ?? { gpus: 0, cpu: 0, mem: 0 };
    u.gpus += r.gpus;
    u.cpu += r.cpuMilli ?? 0;
    u.mem += r.memoryBytes ?? 0;
    used.set(node, u);
  }
  const q = (a: Record<string, Quantity> | undefined, k: string) =>
    a?.[k] === undefined ? undefined : quantityToNumber(a[k]);
  const clusterNodes: ClusterNode[] = nodes.map((n) => {
    const name = n.metadata?.name ?? "";
    const a = n.status?.allocatable;
    const gpus = DEFAULT_GPU_RESOURCES.reduce((s, r) => s + (q(a, r) ?? 0), 0);
    const u = used.get(name) ?? { gpus: 0, cpu: 0, mem: 0 };
    const cpu = q(a, "cpu");
    const mem = q(a, "memory");
    return {
      name,
      ...(n.metadata?.labels ? { labels: n.metadata.labels } : {}),
      allocatableGpus: gpus,
      freeGpus: Math.max(0, gpus - u.gpus),
      ...(cpu !== undefined ? { freeCpuMilli: Math.max(0, Math.round(cpu * 1000) - u.cpu) } : {}),
      ...(mem !== undefined ? { freeMemoryBytes: Math.max(0, mem - u.mem) } : {}),
      ...(n.spec?.unschedulable ? { unschedulable: true } : {}),
    };
  });
  return {
    nodes: clusterNodes,
    hyperNodes: hyperNodesFromObjects(
      hyperNodes as unknown as Pick<HyperNode, "metadata" | "spec">[],
    ),
  };
}

/**
 * ServingGroups of the ModelServing that exist in spec but are not placed yet: groups without pods
 * and groups with an unbound pod. They will take capacity first, so they are subtracted.
 */
export function unplacedGroups(ms: ModelServing, pods: readonly PodObject[]): number {
  const name = ms.metadata.name ?? "";
  const mine = pods.filter((p) => p.metadata?.labels?.[LABEL_MS] === name && !terminal(p));
  const groups = new Set<string>();
  const pending = new Set<string>();
  for (const p of mine) {
    const g = p.metadata?.labels?.[LABEL_GROUP] ?? "";
    groups.add(g);
    if (typeof p.spec?.["nodeName"] !== "string") pending.add(g);
  }
  const replicas = ms.spec.replicas ?? 1;
  return Math.max(0, replicas - groups.size) + pending.size;
}

/** How many more ServingGroups of `ms` can be placed now (limit `max`). */
export function placeableGroups(
  cluster: Cluster,
  ms: ModelServing,
  pods: readonly PodObject[],
  max: number,
  /** Pods already planned this cycle (other targets' added groups); this call's are appended. */
  reserved: PodPlacement[] = [],
): PlaceableCapacity {
  const waiting = unplacedGroups(ms, pods);
  const r = maxPlaceableGroups(cluster, groupTemplateFromModelServing(ms), reserved, {
    limit: max + waiting,
    wholeGroups: true,
    namePrefix: `${ms.metadata.name ?? "ms"}-new`,
  });
  reserved.push(...r.placements.flatMap((g) => g.pods));
  const count = Math.max(0, r.count - waiting);
  return {
    count,
    ...(r.blockedBy !== undefined
      ? { blockedBy: r.blockedBy }
      : count < max
        ? { blockedBy: `${waiting} ServingGroup(s) still waiting for placement` }
        : {}),
  };
}

/**
 * How many more replicas of one role (in every ServingGroup) can be placed: the added role
 * replicas of all groups are placed as extra "groups" holding only that role. Approximation: the
 * role-level network-topology policy is applied to the added replicas alone.
 */
export function placeableRoleReplicas(
  cluster: Cluster,
  ms: ModelServing,
  role: string,
  maxExtra: number,
  /** Pods already planned this cycle (e.g. the other role's added replicas); updated in place. */
  reserved: PodPlacement[] = [],
): PlaceableCapacity {
  const groups = ms.spec.replicas ?? 1;
  const roles = ms.spec.template.roles.filter((r) => r.name === role);
  if (roles.length === 0) return { count: 0, blockedBy: `role ${role} not in the ModelServing` };
  let blockedBy: string | undefined;
  for (let extra = maxExtra; extra > 0; extra--) {
    const probe: ModelServing = {
      ...ms,
      spec: {
        ...ms.spec,
        template: {
          ...ms.spec.template,
          roles: roles.map((r) => ({ ...r, replicas: extra })),
        },
      },
    };
    const t = groupTemplateFromModelServing(probe);
    const r = maxPlaceableGroups(cluster, { ...t, minRoleReplicas: undefined }, reserved, {
      limit: groups,
      namePrefix: `${ms.metadata.name ?? "ms"}-${role}-new`,
    });
    if (r.count >= groups) {
      reserved.push(...r.placements.flatMap((g) => g.pods));
      return { count: extra, ...(blockedBy ? { blockedBy } : {}) };
    }
    blockedBy ??= r.blockedBy;
  }
  return { count: 0, blockedBy: blockedBy ?? `no capacity for another ${role} replica` };
}
