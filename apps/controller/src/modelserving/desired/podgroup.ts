// The Volcano PodGroup of one ServingGroup (reference §3.1): the gang Volcano must place all at
// once. minMember counts the pods of the role replicas that must run together (all of them, or
// gangPolicy.minRoleReplicas per role), minResources their summed requests. Role-level gangs and
// topology go into subGroupPolicy when the cluster's PodGroup CRD has it, else into minTaskMember.
import {
  ANNOTATION_VOLCANO_QUEUE,
  LABEL_GROUP_NAME,
  LABEL_MODEL_SERVING_NAME,
  LABEL_REVISION,
  LABEL_ROLE,
  LABEL_ROLE_ID,
  VOLCANO_SCHEDULING_API_VERSION,
} from "@tessera/shared";
import type { ModelServing } from "@tessera/shared";
import type { PodGroupObject } from "../../k8s/types.ts";
import { groupName, roleId } from "../names.ts";
import { controllerRef } from "./owner.ts";
import type { Owner } from "./owner.ts";
import { addScaled, formatResources, podRequests } from "./resources.ts";
import type { ResourceTotals } from "./resources.ts";

/** Which gang fields the cluster's PodGroup CRD understands; "none" = no PodGroup CRD. */
export type PodGroupMode = "subGroupPolicy" | "minTaskMember" | "none";

type Template = ModelServing["spec"]["template"];

/** Role replicas of `role` that belong to the gang: min(minRoleReplicas[role] ?? replicas, replicas). */
export function gangRoleReplicas(template: Template, role: Template["roles"][number]): number {
  const min = template.gangPolicy?.minRoleReplicas?.[role.name];
  return Math.min(min ?? role.replicas, role.replicas);
}

export function minMember(template: Template): number {
  return template.roles.reduce(
    (n, r) => n + (1 + r.workerReplicas) * gangRoleReplicas(template, r),
    0,
  );
}

export function minResources(template: Template): Record<string, string> {
  const totals: ResourceTotals = new Map();
  for (const r of template.roles) {
    const k = gangRoleReplicas(template, r);
    addScaled(totals, podRequests(r.entryTemplate.spec), k);
    if (r.workerReplicas > 0)
      addScaled(
        totals,
        podRequests((r.workerTemplate ?? r.entryTemplate).spec),
        k * r.workerReplicas,
      );
  }
  return formatResources(totals);
}

/** Whether the cluster can gang-schedule this ModelServing's pods at all (Volcano and its PodGroup CRD). */
export function usesPodGroup(ms: ModelServing, mode: PodGroupMode): boolean {
  return mode !== "none" && ms.spec.schedulerName === "volcano";
}

/**
 * Whether a ServingGroup of this template needs a PodGroup (Kthena's shouldCreatePodGroup): only a
 * gangPolicy or a networkTopology asks for one. Without either, Volcano's own controller gives
 * every bare pod a PodGroup of one, which is all the scheduler needs.
 */
export function templateNeedsPodGroup(template: Template): boolean {
  return template.gangPolicy !== undefined || template.networkTopology !== undefined;
}

export function desiredPodGroup(
  ms: ModelServing,
  owner: Owner,
  group: number,
  template: Template,
  revision: string,
  mode: PodGroupMode,
): PodGroupObject {
  const spec: Record<string, unknown> = {
    minMember: minMember(template),
    minResources: minResources(template),
  };
  const queue = ms.metadata.annotations?.[ANNOTATION_VOLCANO_QUEUE];
  if (queue) spec["queue"] = queue;
  const groupPolicy = template.networkTopology?.groupPolicy;
  if (groupPolicy) spec["networkTopology"] = groupPolicy;
  const rolePolicy = template.networkTopology?.rolePolicy;
  if (mode === "subGroupPolicy") {
    spec["subGroupPolicy"] = template.roles.map((r) => ({
      name: r.name,
      labelSelector: {
        matchLabels: { [LABEL_MODEL_SERVING_NAME]: owner.name, [LABEL_ROLE]: r.name },
      },
      matchLabelKeys: [LABEL_ROLE_ID],
      subGroupSize: 1 + r.workerReplicas,
      minSubGroups: gangRoleReplicas(template, r),
      ...(rolePolicy ? { networkTopology: rolePolicy } : {}),
    }));
  } else {
    const tasks: Record<string, number> = {};
    for (const r of template.roles) {
      for (let i = 0; i < gangRoleReplicas(template, r); i++)
        tasks[roleId(r.name, i)] = 1 + r.workerReplicas;
    }
    spec["minTaskMember"] = tasks;
  }
  const name = groupName(owner.name, group);
  return {
    apiVersion: VOLCANO_SCHEDULING_API_VERSION,
    kind: "PodGroup",
    metadata: {
      name,
      namespace: owner.namespace,
      labels: {
        [LABEL_MODEL_SERVING_NAME]: owner.name,
        [LABEL_GROUP_NAME]: name,
        [LABEL_REVISION]: revision,
      },
      ownerReferences: [controllerRef(owner)],
    },
    spec,
  };
}
