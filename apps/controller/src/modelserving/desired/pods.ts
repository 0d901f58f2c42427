// Desired entry/worker pods and headless Services of one role replica (reference §3.1).
import {
  ANNOTATION_POD_GROUP,
  ANNOTATION_TASK_SPEC,
  LABEL_ENTRY,
  LABEL_GROUP_NAME,
  LABEL_MODEL_SERVING_NAME,
  LABEL_REVISION,
  LABEL_ROLE,
  LABEL_ROLE_ID,
  LABEL_ROLE_TEMPLATE_HASH,
} from "@tessera/shared";
import type { Role } from "@tessera/shared";
import type { PodObject, ServiceObject } from "../../k8s/types.ts";
import { entryPodName, groupName, podName, roleId } from "../names.ts";
import { controllerRef } from "./owner.ts";
import type { Owner } from "./owner.ts";

export interface PodParams {
  owner: Owner;
  schedulerName: string;
  group: number;
  role: Role;
  roleOrdinal: number;
  /** 0 = entry pod, 1..workerReplicas = workers. */
  index: number;
  revision: string;
  roleHash: string;
  /** Annotate the pod for its Volcano PodGroup (only when the group has one). */
  podGroup: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

interface ContainerLike {
  name: string;
  env?: EnvVar[];
  [k: string]: unknown;
}

function withEnv(
  containers: readonly ContainerLike[] | undefined,
  env: EnvVar[],
): ContainerLike[] | undefined {
  if (!containers) return undefined;
  const names = new Set(env.map((e) => e.name));
  return containers.map((c) => ({
    ...c,
    env: [...(c.env ?? []).filter((e) => !names.has(e.name)), ...env],
  }));
}

/** The labels every object of a role replica carries (pods add entry/revision/hash on top). */
export function roleReplicaLabels(
  ms: string,
  group: number,
  role: string,
  roleOrdinal: number,
): Record<string, string> {
  return {
    [LABEL_MODEL_SERVING_NAME]: ms,
    [LABEL_GROUP_NAME]: groupName(ms, group),
    [LABEL_ROLE]: role,
    [LABEL_ROLE_ID]: roleId(role, roleOrdinal),
  };
}

export function desiredPod(p: PodParams): PodObject {
  const { owner, role, index } = p;
  const template = index === 0 ? role.entryTemplate : (role.workerTemplate ?? role.entryTemplate);
  const name = podName(owner.name, p.group, role.name, p.roleOrdinal, index);
  const labels: Record<string, string> = {
    ...(template.metadata?.labels ?? {}),
    ...roleReplicaLabels(owner.name, p.group, role.name, p.roleOrdinal),
    [LABEL_REVISION]: p.revision,
    [LABEL_ROLE_TEMPLATE_HASH]: p.roleHash,
  };
  if (index === 0) labels[LABEL_ENTRY] = "true";
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  if (p.podGroup) {
    annotations[ANNOTATION_POD_GROUP] = groupName(owner.name, p.group);
    annotations[ANNOTATION_TASK_SPEC] = roleId(role.name, p.roleOrdinal);
  }
  const env: EnvVar[] = [
    { name: "GROUP_SIZE", value: String(role.workerReplicas + 1) },
    {
      name: "ENTRY_ADDRESS",
      value: `${entryPodName(owner.name, p.group, role.name, p.roleOrdinal)}.${owner.namespace}`,
    },
    { name: "WORKER_INDEX", value: String(index) },
  ];
  const spec = structuredClone(template.spec) as Record<string, unknown> & {
    containers: ContainerLike[];
    initContainers?: ContainerLike[];
  };
  spec.containers = withEnv(spec.containers, env) ?? [];
  const init = withEnv(spec.initContainers, env);
  if (init) spec.initContainers = init;
  spec["schedulerName"] = p.schedulerName;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec,
  };
}

/** All pods of one role replica, entry first (the order they are created in). */
export function desiredRoleReplicaPods(p: Omit<PodParams, "index">): PodObject[] {
  const pods: PodObject[] = [];
  for (let i = 0; i <= p.role.workerReplicas; i++) pods.push(desiredPod({ ...p, index: i }));
  return pods;
}

/** Headless Service named like the entry pod; only roles with a workerTemplate get one. */
export function desiredHeadlessService(
  owner: Owner,
  group: number,
  role: Role,
  roleOrdinal: number,
  revision?: string,
): ServiceObject | undefined {
  if (role.workerTemplate === undefined) return undefined;
  const labels = roleReplicaLabels(owner.name, group, role.name, roleOrdinal);
  const metaLabels = revision ? { ...labels, [LABEL_REVISION]: revision } : labels;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: entryPodName(owner.name, group, role.name, roleOrdinal),
      namespace: owner.namespace,
      labels: metaLabels,
      ownerReferences: [controllerRef(owner)],
    },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector: {
        [LABEL_GROUP_NAME]: labels[LABEL_GROUP_NAME],
        [LABEL_ROLE]: role.name,
        [LABEL_ROLE_ID]: labels[LABEL_ROLE_ID],
        [LABEL_ENTRY]: "true",
      },
    },
  };
}
