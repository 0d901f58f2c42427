// Observed state of one ModelServing, rebuilt from informer caches on every reconcile (there is no
// other state: a restarted controller sees exactly what the old one saw). Pods, headless Services and
// PodGroups are grouped by ServingGroup ordinal and role replica using Kthena's labels and names.
import {
  ANNOTATION_POD_GROUP,
  LABEL_GROUP_NAME,
  LABEL_REVISION,
  LABEL_ROLE,
  LABEL_ROLE_ID,
  LABEL_ROLE_TEMPLATE_HASH,
} from "@tessera/shared";
import { isTerminating, labelsOf, nameOf } from "../k8s/types.ts";
import type { PodGroupObject, PodObject, ServiceObject } from "../k8s/types.ts";
import { ordinalAfter, parseRoleId, roleId } from "./names.ts";

export const ANNOTATION_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

export interface PodView {
  obj: PodObject;
  name: string;
  uid: string;
  group: number;
  role: string;
  roleOrdinal: number;
  index: number;
  revision: string | undefined;
  roleHash: string | undefined;
  ready: boolean;
  terminating: boolean;
  deletionCost: number;
  /** Epoch ms since which the pod is failing (phase Failed, or restarted and not Ready); undefined when healthy or merely pending. */
  failingSince: number | undefined;
  /** The scheduler has placed the pod on a node (it has a nodeName, or a phase past Pending). */
  bound: boolean;
  /** The Volcano PodGroup the pod was created for (its `scheduling.k8s.io/group-name` annotation). */
  podGroup: string | undefined;
}

export interface RoleReplicaView {
  role: string;
  ordinal: number;
  id: string;
  pods: Map<number, PodView>;
  services: ServiceObject[];
}

export interface GroupView {
  ordinal: number;
  name: string;
  pods: PodView[];
  services: ServiceObject[];
  podGroup: PodGroupObject | undefined;
  /** role name → role ordinal → replica */
  roles: Map<string, Map<number, RoleReplicaView>>;
  /** Most common revision label of the group's live pods (else its PodGroup's). */
  revision: string | undefined;
  /** The group is being torn down: its PodGroup is terminating, or every object it still has is. */
  terminating: boolean;
}

function ts(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

export function podReady(pod: PodObject): boolean {
  if (pod.status?.phase !== "Running") return false;
  return (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** When a pod started failing: phase Failed, or any (init) container restarted while the pod is not Ready. */
export function failingSince(pod: PodObject): number | undefined {
  if (podReady(pod)) return undefined;
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ];
  const failed = pod.status?.phase === "Failed";
  const restarted = statuses.some((s) => (s.restartCount ?? 0) > 0);
  if (!failed && !restarted) return undefined;
  const readyCond = (pod.status?.conditions ?? []).find((c) => c.type === "Ready");
  const times = [
    readyCond?.status === "False" ? ts(readyCond.lastTransitionTime) : undefined,
    ...statuses.map((s) => ts(s.state?.terminated?.finishedAt)),
    ...statuses.map((s) => ts(s.lastState?.terminated?.finishedAt)),
  ].filter((t): t is number => t !== undefined);
  if (times.length > 0) return Math.max(...times);
  return ts(pod.metadata?.creationTimestamp) ?? 0;
}

/** Placed on a node: kubelet only reports phases past Pending for pods it runs. */
export function podBound(pod: PodObject): boolean {
  const nodeName = pod.spec?.["nodeName"];
  if (typeof nodeName === "string" && nodeName !== "") return true;
  const phase = pod.status?.phase;
  return phase !== undefined && phase !== "Pending";
}

export function podView(msName: string, pod: PodObject): PodView | undefined {
  const labels = labelsOf(pod);
  const gname = labels[LABEL_GROUP_NAME];
  const rid = labels[LABEL_ROLE_ID];
  if (!gname || !rid) return undefined;
  const group = ordinalAfter(msName, gname);
  const parsed = parseRoleId(rid);
  if (group === undefined || !parsed) return undefined;
  const role = labels[LABEL_ROLE] ?? parsed.role;
  const index = ordinalAfter(`${gname}-${rid}`, nameOf(pod));
  if (index === undefined) return undefined;
  const cost = Number.parseInt(pod.metadata?.annotations?.[ANNOTATION_DELETION_COST] ?? "0", 10);
  return {
    obj: pod,
    name: nameOf(pod),
    uid: pod.metadata?.uid ?? "",
    group,
    role,
    roleOrdinal: parsed.ordinal,
    index,
    revision: labels[LABEL_REVISION],
    roleHash: labels[LABEL_ROLE_TEMPLATE_HASH],
    ready: podReady(pod),
    terminating: isTerminating(pod),
    deletionCost: Number.isFinite(cost) ? cost : 0,
    failingSince: failingSince(pod),
    bound: podBound(pod),
    podGroup: pod.metadata?.annotations?.[ANNOTATION_POD_GROUP],
  };
}

function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let bestN = 0;
  for (const [v, n] of counts) {
    if (n > bestN || (n === bestN && best !== undefined && v < best)) {
      best = v;
      bestN = n;
    }
  }
  return best;
}

export function buildGroups(
  msName: string,
  pods: readonly PodObject[],
  services: readonly ServiceObject[],
  podGroups: readonly PodGroupObject[],
): Map<number, GroupView> {
  const groups = new Map<number, GroupView>();
  const groupFor = (ordinal: number): GroupView => {
    let g = groups.get(ordinal);
    if (!g) {
      g = {
        ordinal,
        name: `${msName}-${ordinal}`,
        pods: [],
        services: [],
        podGroup: undefined,
        roles: new Map(),
        revision: undefined,
        terminating: false,
      };
      groups.set(ordinal, g);
    }
    return g;
  };
  const replicaFor = (g: GroupView, role: string, ordinal: number): RoleReplicaView => {
    let byOrdinal = g.roles.get(role);
    if (!byOrdinal) {
      byOrdinal = new Map();
      g.roles.set(role, byOrdinal);
    }
    let r = byOrdinal.get(ordinal);
    if (!r) {
      r = { role, ordinal, id: roleId(role, ordinal), pods: new Map(), services: [] };
      byOrdinal.set(ordinal, r);
    }
    return r;
  };

  for (const pod of pods) {
    const v = podView(msName, pod);
    if (!v) continue;
    const g = groupFor(v.group);
    g.pods.push(v);
    replicaFor(g, v.role, v.roleOrdinal).pods.set(v.index, v);
  }
  for (const svc of services) {
    const labels = labelsOf(svc);
    const ordinal = ordinalAfter(msName, labels[LABEL_GROUP_NAME] ?? "");
    const parsed = parseRoleId(labels[LABEL_ROLE_ID] ?? "");
    if (ordinal === undefined || !parsed) continue;
    const g = groupFor(ordinal);
    g.services.push(svc);
    replicaFor(g, labels[LABEL_ROLE] ?? parsed.role, parsed.ordinal).services.push(svc);
  }
  for (const pg of podGroups) {
    const ordinal = ordinalAfter(msName, nameOf(pg));
    if (ordinal === undefined) continue;
    groupFor(ordinal).podGroup = pg;
  }
  for (const g of groups.values()) {
    const live = g.pods.filter((p) => !p.terminating);
    g.revision =
      mostCommon(live.map((p) => p.revision)) ??
      (g.podGroup ? labelsOf(g.podGroup)[LABEL_REVISION] : undefined) ??
      mostCommon(g.pods.map((p) => p.revision)) ??
      mostCommon(g.services.map((s) => labelsOf(s)[LABEL_REVISION]));
    const pgTerminating = g.podGroup !== undefined && isTerminating(g.podGroup);
    const everything = [
      ...g.pods.map((p) => p.terminating),
      ...g.services.map((s) => isTerminating(s)),
    ];
    g.terminating =
      pgTerminating ||
      (g.podGroup === undefined && everything.length > 0 && everything.every(Boolean));
  }
  return groups;
}

/** A role replica is Running when all 1+workerReplicas pods exist, are live and Ready. */
export function roleReplicaReady(r: RoleReplicaView, workerReplicas: number): boolean {
  for (let i = 0; i <= workerReplicas; i++) {
    const p = r.pods.get(i);
    if (!p || !p.ready || p.terminating) return false;
  }
  return true;
}

export function roleReplicaTerminating(r: RoleReplicaView): boolean {
  return (
    [...r.pods.values()].some((p) => p.terminating) || r.services.some((s) => isTerminating(s))
  );
}
