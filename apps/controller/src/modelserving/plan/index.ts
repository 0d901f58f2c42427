// planModelServing: the whole level-triggered decision for one ModelServing, as a pure function of
// the object, its observed children and the clock. The reconciler applies the result; it never
// decides anything itself. Order follows Kthena (reference §3.2): revisions, ServingGroups (scale,
// rollout), roles per group (recovery, scale, role rollout), headless Services, PodGroups, status.
import { resolveIntOrPercent } from "@tessera/shared";
import type { ModelServing, Role } from "@tessera/shared";
import type {
  ControllerRevisionObject,
  KubeObject,
  PodGroupObject,
  PodObject,
  ServiceObject,
} from "../../k8s/types.ts";
import { isTerminating, nameOf } from "../../k8s/types.ts";
import { roleTemplateHash, stableStringify, templateRevision } from "../hash.ts";
import { controllerRevisionName, roleId } from "../names.ts";
import { buildGroups, roleReplicaReady } from "../observed.ts";
import type { GroupView, RoleReplicaView } from "../observed.ts";
import { computeStatus } from "../status.ts";
import type { GroupSummary, ModelServingStatus } from "../status.ts";
import type { Owner } from "../desired/owner.ts";
import { desiredHeadlessService, desiredPod, desiredRoleReplicaPods } from "../desired/pods.ts";
import { desiredPodGroup, templateNeedsPodGroup, usesPodGroup } from "../desired/podgroup.ts";
import type { PodGroupMode } from "../desired/podgroup.ts";
import { desiredControllerRevision, templateFromRevision } from "../desired/revision.ts";
import { podRecovery, replicaRecovery } from "./recovery.ts";
import { ordinalsToCreate, pickScaleDownVictims, rolloutStep } from "./victims.ts";

type Template = ModelServing["spec"]["template"];

/** Tessera extension (the shared schema has no field for it): ServingGroups created ahead of deletions during a rollout. */
export const ANNOTATION_MAX_SURGE = "rollout.tessera.io/max-surge";
/** Per-ServingGroup and per-role state, written on the ModelServing so `kubectl get -o yaml` shows it. */
export const ANNOTATION_GROUP_STATUS = "status.tessera.io/serving-groups";

export type ChildKind = "Pod" | "Service" | "PodGroup" | "ControllerRevision";

export interface DeleteAction {
  kind: ChildKind;
  name: string;
  uid?: string;
  reason: string;
}

export interface EventRecord {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

export type RoleState = "Creating" | "Running" | "Deleting";
export interface GroupStatusEntry {
  phase: "Creating" | "Running" | "Scaling" | "Deleting";
  revision?: string;
  roles: Record<string, RoleState>;
}

export interface Plan {
  updateRevision: string;
  apply: KubeObject[];
  delete: DeleteAction[];
  events: EventRecord[];
  status: ModelServingStatus;
  groupStatus: Record<string, GroupStatusEntry>;
  /** Re-plan after this long even without events (recovery grace periods). */
  requeueAfterMs?: number;
}

export interface PlanInput {
  ms: ModelServing;
  pods: readonly PodObject[];
  services: readonly ServiceObject[];
  podGroups: readonly PodGroupObject[];
  revisions: readonly ControllerRevisionObject[];
  podGroupMode: PodGroupMode;
  now: number;
}

export interface RolloutParams {
  type: "ServingGroupRollingUpdate" | "RoleRollingUpdate";
  partition: number;
  maxUnavailable: number;
  maxSurge: number;
}

export function rolloutParams(ms: ModelServing): RolloutParams {
  const replicas = ms.spec.replicas;
  const type = ms.spec.rolloutStrategy?.type ?? "ServingGroupRollingUpdate";
  const cfg = ms.spec.rolloutStrategy?.rollingUpdateConfiguration;
  const surgeRaw = ms.metadata.annotations?.[ANNOTATION_MAX_SURGE];
  let maxSurge = 0;
  if (surgeRaw !== undefined && /^([0-9]+|[0-9]+%)$/.test(surgeRaw)) {
    maxSurge = resolveIntOrPercent(
      surgeRaw.endsWith("%") ? surgeRaw : Number(surgeRaw),
      replicas,
      true,
    );
  }
  if (type === "RoleRollingUpdate") return { type, partition: 0, maxUnavailable: 1, maxSurge: 0 };
  return {
    type,
    partition: resolveIntOrPercent(cfg?.partition ?? 0, replicas, true),
    maxUnavailable: Math.max(1, resolveIntOrPercent(cfg?.maxUnavailable ?? 1, replicas, false)),
    maxSurge,
  };
}

function ownerOf(ms: ModelServing): Owner {
  return {
    name: ms.metadata.name ?? "",
    namespace: ms.metadata.namespace ?? "default",
    uid: ms.metadata.uid ?? "",
  };
}

/** A stored template with role replicas taken from the current spec (replicas never roll out). */
function withCurrentReplicas(old: Template, current: Template): Template {
  return {
    ...old,
    roles: old.roles.map((r) => {
      const now = current.roles.find((c) => c.name === r.name);
      return now ? { ...r, replicas: now.replicas } : r;
    }),
  };
}

function parsePreviousGroupStatus(ms: ModelServing): Record<string, GroupStatusEntry> {
  const raw = ms.metadata.annotations?.[ANNOTATION_GROUP_STATUS];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" ? (v as Record<string, GroupStatusEntry>) : {};
  } catch {
    return {};
  }
}

export function planModelServing(input: PlanInput): Plan {
  const { ms, now } = input;
  const owner = ownerOf(ms);
  const spec = ms.spec;
  const R = spec.replicas;
  const policy = spec.recoveryPolicy;
  const grace = spec.template.restartGracePeriodSeconds;
  const rollout = rolloutParams(ms);
  const updateRevision = templateRevision(spec.template);
  const apply: KubeObject[] = [];
  const deletes: DeleteAction[] = [];
  const events: EventRecord[] = [];
  let requeueAfterMs: number | undefined;
  const requeue = (ms_: number) => {
    requeueAfterMs = requeueAfterMs === undefined ? ms_ : Math.min(requeueAfterMs, ms_);
  };
  const podGroupSupported = usesPodGroup(ms, input.podGroupMode);
  /** Why a ServingGroup of this template (with these pods) gets no PodGroup; undefined: it gets one. */
  const noGang = (t: Template, g?: GroupView): string | undefined => {
    if (!podGroupSupported) return "no PodGroup CRD, or schedulerName is not volcano";
    if (!templateNeedsPodGroup(t)) return "no gangPolicy or networkTopology asks for a PodGroup";
    // The controller never edits a pod after creating it, so a pod created without our PodGroup
    // annotation (while no gang was wanted; Volcano then annotates it with a PodGroup of its own)
    // never joins the group's gang; a PodGroup counting it in minMember would hold every new
    // member Pending. Such a group stays without a PodGroup until its pods are replaced.
    if (g?.pods.some((p) => !p.terminating && p.podGroup !== g.name))
      return "pods created without the PodGroup are still running";
    return undefined;
  };

  // 1. Revisions: every template the controller may need to instantiate again.
  const templates = new Map<string, Template>();
  let maxRevisionNumber = 0;
  const revisionObjects = new Map<string, ControllerRevisionObject>();
  for (const cr of input.revisions) {
    const rev = cr.metadata?.labels?.["modelserving.volcano.sh/revision"];
    if (!rev) continue;
    revisionObjects.set(rev, cr);
    maxRevisionNumber = Math.max(maxRevisionNumber, cr.revision ?? 0);
    const t = templateFromRevision(cr);
    if (t) templates.set(rev, t);
  }
  templates.set(updateRevision, spec.template);
  if (!revisionObjects.has(updateRevision)) {
    apply.push(
      desiredControllerRevision(owner, updateRevision, spec.template, maxRevisionNumber + 1),
    );
  }
  const templateOf = (rev: string | undefined): Template => {
    const t = rev !== undefined ? templates.get(rev) : undefined;
    return t && rev !== updateRevision ? withCurrentReplicas(t, spec.template) : spec.template;
  };
  const prevCurrent = ms.status?.currentRevision;
  const protectedRevision =
    prevCurrent !== undefined && prevCurrent !== updateRevision && templates.has(prevCurrent)
      ? prevCurrent
      : undefined;

  // 2. Observed groups.
  const groups = buildGroups(owner.name, input.pods, input.services, input.podGroups);
  const live = [...groups.values()]
    .filter((g) => !g.terminating)
    .sort((a, b) => a.ordinal - b.ordinal);
  const terminating = [...groups.values()].filter((g) => g.terminating);
  // A group whose remaining objects carry no revision (e.g. only a PodGroup without labels) is
  // treated like a freshly filled ordinal.
  for (const g of groups.values()) {
    g.revision ??=
      g.ordinal < rollout.partition && protectedRevision ? protectedRevision : updateRevision;
  }

  const desiredRoleHash = new Map(
    spec.template.roles.map((r) => [
      r.name,
      roleTemplateHash(r, spec.template.networkTopology?.rolePolicy),
    ]),
  );
  const groupTemplate = (g: GroupView): Template =>
    rollout.type === "RoleRollingUpdate" ? spec.template : templateOf(g.revision);
  const groupUpdated = (g: GroupView): boolean => {
    if (rollout.type === "RoleRollingUpdate") {
      const livePods = g.pods.filter((p) => !p.terminating);
      return (
        livePods.length > 0 && livePods.every((p) => p.roleHash === desiredRoleHash.get(p.role))
      );
    }
    return g.revision === updateRevision;
  };
  const groupReady = (g: GroupView): boolean => {
    const t = groupTemplate(g);
    return t.roles.every((role) => {
      const replicas = [...(g.roles.get(role.name)?.values() ?? [])].filter((r) =>
        [...r.pods.values()].some((p) => !p.terminating),
      );
      return (
        replicas.length === role.replicas &&
        replicas.every((r) => roleReplicaReady(r, role.workerReplicas))
      );
    });
  };
  // Serving: every live role replica is ready and no role is missing entirely. Rollout and
  // scale-down budgets use this, not groupReady: a role scale-up in progress (replicas raised)
  // must not make a healthy group look unavailable and get it replaced at once.
  const groupServing = (g: GroupView): boolean => {
    const t = groupTemplate(g);
    return t.roles.every((role) => {
      const replicas = [...(g.roles.get(role.name)?.values() ?? [])].filter((r) =>
        [...r.pods.values()].some((p) => !p.terminating),
      );
      return (
        (role.replicas === 0 || replicas.length > 0) &&
        replicas.every((r) => roleReplicaReady(r, role.workerReplicas))
      );
    });
  };
  const groupCost = (g: GroupView) => g.pods.reduce((n, p) => n + p.deletionCost, 0);

  const deleteGroup = (g: GroupView, reason: string) => {
    for (const p of g.pods)
      if (!p.terminating) deletes.push({ kind: "Pod", name: p.name, uid: p.uid, reason });
    for (const s of g.services)
      if (!isTerminating(s)) deletes.push({ kind: "Service", name: nameOf(s), reason });
    if (g.podGroup && !isTerminating(g.podGroup))
      deletes.push({ kind: "PodGroup", name: g.name, reason });
    events.push({
      type: "Normal",
      reason: "ServingGroupDeleting",
      message: `ServingGroup ${g.name}: ${reason}`,
    });
  };
  const deleteRoleReplica = (g: GroupView, r: RoleReplicaView, reason: string) => {
    for (const p of r.pods.values())
      if (!p.terminating) deletes.push({ kind: "Pod", name: p.name, uid: p.uid, reason });
    for (const s of r.services)
      if (!isTerminating(s)) deletes.push({ kind: "Service", name: nameOf(s), reason });
    events.push({
      type: "Normal",
      reason: "RoleDeleting",
      message: `role ${r.id} of ServingGroup ${g.name}: ${reason}`,
    });
  };
  const createRoleReplica = (
    group: number,
    role: Role,
    ordinal: number,
    revision: string,
    template: Template,
    podGroup: boolean,
    reason: string,
  ) => {
    const roleHash = roleTemplateHash(role, template.networkTopology?.rolePolicy);
    apply.push(
      ...desiredRoleReplicaPods({
        owner,
        schedulerName: spec.schedulerName,
        group,
        role,
        roleOrdinal: ordinal,
        revision,
        roleHash,
        podGroup,
      }),
    );
    const svc = desiredHeadlessService(owner, group, role, ordinal, revision);
    if (svc) apply.push(svc);
    events.push({
      type: "Normal",
      reason: "RoleCreating",
      message: `role ${roleId(role.name, ordinal)} of ServingGroup ${owner.name}-${group}: ${reason}`,
    });
  };
  const ensurePodGroup = (
    group: number,
    template: Template,
    revision: string,
    existing: PodGroupObject | undefined,
    offReason: string | undefined,
  ) => {
    if (offReason !== undefined) {
      if (existing && !isTerminating(existing))
        deletes.push({ kind: "PodGroup", name: nameOf(existing), reason: offReason });
      return;
    }
    const want = desiredPodGroup(ms, owner, group, template, revision, input.podGroupMode);
    if (
      !existing ||
      stableStringify(gangFields(existing.spec)) !== stableStringify(gangFields(want.spec))
    )
      apply.push(want);
  };
  const pendingRevisions = new Set<string>();
  const createGroup = (ordinal: number, revision: string, reason: string) => {
    pendingRevisions.add(revision);
    const template = templateOf(revision);
    const off = noGang(template);
    const gang = off === undefined;
    ensurePodGroup(ordinal, template, revision, undefined, off);
    for (const role of template.roles) {
      for (let i = 0; i < role.replicas; i++)
        createRoleReplica(ordinal, role, i, revision, template, gang, reason);
    }
    events.push({
      type: "Normal",
      reason: "ServingGroupCreating",
      message: `ServingGroup ${owner.name}-${ordinal} at revision ${revision}: ${reason}`,
    });
  };

  // 3. ServingGroup recovery that needs the whole group (ServingGroupRecreate).
  const doomed = new Set<number>();
  if (policy === "ServingGroupRecreate") {
    for (const g of live) {
      const t = groupTemplate(g);
      for (const role of t.roles) {
        for (const r of g.roles.get(role.name)?.values() ?? []) {
          if (
            r.ordinal < role.replicas &&
            replicaRecovery(r, role.workerReplicas, policy).action === "recreateGroup"
          )
            doomed.add(g.ordinal);
        }
      }
    }
  }
  for (const o of doomed) {
    const g = groups.get(o);
    if (g) deleteGroup(g, "a pod was lost (recoveryPolicy ServingGroupRecreate)");
  }
  let survivors = live.filter((g) => !doomed.has(g.ordinal));

  // 4. Rolling update by ServingGroup.
  if (rollout.type === "ServingGroupRollingUpdate") {
    const step = rolloutStep({
      members: survivors.map((g) => ({
        ordinal: g.ordinal,
        ready: groupServing(g),
        outdated: !groupUpdated(g),
      })),
      terminatingCount: terminating.length + doomed.size,
      replicas: R,
      partition: rollout.partition,
      maxUnavailable: rollout.maxUnavailable,
      maxSurge: rollout.maxSurge,
    });
    for (const o of step.delete) {
      const g = groups.get(o);
      if (g) deleteGroup(g, `rolling update to revision ${updateRevision}`);
    }
    const gone = new Set(step.delete);
    survivors = survivors.filter((g) => !gone.has(g.ordinal));
    if (step.surge > 0) {
      const occupied = new Set([...groups.keys()]);
      let o = 0;
      for (let n = 0; n < step.surge; n++) {
        while (occupied.has(o)) o++;
        occupied.add(o);
        createGroup(o, updateRevision, `surge for rolling update (maxSurge ${rollout.maxSurge})`);
        survivors.push({ ...emptyGroup(owner.name, o), revision: updateRevision });
      }
    }
  }

  // 5. Scale ServingGroups: down by victim order, up by filling missing ordinals.
  const rolloutActive =
    rollout.type === "ServingGroupRollingUpdate" &&
    survivors.some((g) => g.ordinal >= rollout.partition && !groupUpdated(g) && g.pods.length > 0);
  const scaleDownTarget = rolloutActive ? R + rollout.maxSurge : R;
  if (survivors.length > scaleDownTarget) {
    const victims = pickScaleDownVictims(
      survivors.map((g) => ({
        ordinal: g.ordinal,
        ready: groupServing(g),
        deletionCost: groupCost(g),
        outdated: !groupUpdated(g),
        protected: g.ordinal < rollout.partition,
      })),
      survivors.length - scaleDownTarget,
    );
    const gone = new Set(victims.map((v) => v.ordinal));
    for (const o of gone) {
      const g = groups.get(o);
      if (g) deleteGroup(g, `scale down to ${R} ServingGroups`);
    }
    survivors = survivors.filter((g) => !gone.has(g.ordinal));
  } else {
    const reserved = [
      ...terminating.map((g) => g.ordinal),
      ...doomed,
      ...[...groups.values()]
        .filter((g) => !survivors.includes(g) && !g.terminating && !doomed.has(g.ordinal))
        .map((g) => g.ordinal),
    ];
    for (const o of ordinalsToCreate(
      R,
      survivors.map((g) => g.ordinal),
      reserved,
    )) {
      const revision =
        o < rollout.partition && protectedRevision ? protectedRevision : updateRevision;
      createGroup(o, revision, `scale up to ${R} ServingGroups`);
    }
  }

  // 6. Roles inside each surviving group.
  const existingSurvivors = survivors.filter(
    (g) => g.pods.length > 0 || g.podGroup !== undefined || g.services.length > 0,
  );
  for (const g of existingSurvivors) {
    const template = groupTemplate(g);
    const revision =
      rollout.type === "RoleRollingUpdate"
        ? updateRevision
        : (g.revision ??
          (g.ordinal < rollout.partition && protectedRevision
            ? protectedRevision
            : updateRevision));
    // kthena#1795: an outdated group that this rollout will replace gets no role scaling (it would
    // create pods only to delete them moments later).
    const replaceable =
      rollout.type === "ServingGroupRollingUpdate" &&
      g.ordinal >= rollout.partition &&
      !groupUpdated(g);
    const off = noGang(template, g);
    const gang = off === undefined;
    ensurePodGroup(g.ordinal, template, revision, g.podGroup, off);
    for (const role of template.roles) {
      const byOrdinal = g.roles.get(role.name) ?? new Map<number, RoleReplicaView>();
      const roleRev = (ordinal: number): { role: Role; revision: string; template: Template } => {
        if (rollout.type !== "RoleRollingUpdate") return { role, revision, template };
        const p = resolveIntOrPercent(role.partition ?? 0, role.replicas, true);
        if (ordinal < p && protectedRevision) {
          const old = templateOf(protectedRevision);
          const oldRole = old.roles.find((r) => r.name === role.name);
          if (oldRole) return { role: oldRole, revision: protectedRevision, template: old };
        }
        return { role, revision: updateRevision, template: spec.template };
      };
      const liveReplicas: RoleReplicaView[] = [];
      const reservedOrdinals: number[] = [];
      for (const r of byOrdinal.values()) {
        // Pods that failed and did not recover within the grace period are deleted.
        for (const p of r.pods.values()) {
          const rec = podRecovery(p, grace, now);
          if (rec.action === "delete") {
            deletes.push({
              kind: "Pod",
              name: p.name,
              uid: p.uid,
              reason: `failed and did not recover within ${grace}s`,
            });
            events.push({
              type: "Warning",
              reason: "PodFailed",
              message: `pod ${p.name} failed; deleting it (recoveryPolicy ${policy})`,
            });
          } else if (rec.action === "wait") requeue(rec.afterMs);
        }
        const livePods = [...r.pods.values()].filter((p) => !p.terminating);
        // Pods made for a PodGroup that is no longer wanted: bound ones keep running (the
        // scheduler is done with them), but one not yet placed would wait for its deleted gang
        // for ever, so its role replica is recreated without the annotation.
        if (!gang && livePods.some((p) => !p.bound && p.podGroup === g.name)) {
          deleteRoleReplica(g, r, "its pending pods wait for a PodGroup that is no longer wanted");
          reservedOrdinals.push(r.ordinal);
          continue;
        }
        if (livePods.length === 0) {
          if (r.pods.size > 0) reservedOrdinals.push(r.ordinal);
          else if (r.services.length > 0 && r.ordinal >= role.replicas) {
            for (const s of r.services)
              if (!isTerminating(s))
                deletes.push({
                  kind: "Service",
                  name: nameOf(s),
                  reason: "orphaned headless Service",
                });
          }
          continue;
        }
        const rr = roleRev(r.ordinal);
        const rec = replicaRecovery(r, rr.role.workerReplicas, policy);
        if (rec.action === "recreateRole") {
          deleteRoleReplica(g, r, "a pod was lost (recoveryPolicy RoleRecreate)");
          reservedOrdinals.push(r.ordinal);
          continue;
        }
        if (rec.action === "createPods") {
          const roleHash = roleTemplateHash(rr.role, rr.template.networkTopology?.rolePolicy);
          for (const i of rec.indexes) {
            apply.push(
              desiredPod({
                owner,
                schedulerName: spec.schedulerName,
                group: g.ordinal,
                role: rr.role,
                roleOrdinal: r.ordinal,
                index: i,
                revision: rr.revision,
                roleHash,
                podGroup: gang,
              }),
            );
          }
          events.push({
            type: "Normal",
            reason: "PodRecreating",
            message: `recreating pods ${rec.indexes.join(", ")} of role ${r.id} in ${g.name} (recoveryPolicy None)`,
          });
        }
        liveReplicas.push(r);
      }
      // Role rolling update: replace role replicas whose template hash is outdated.
      let rolloutDeleted = new Set<number>();
      if (rollout.type === "RoleRollingUpdate") {
        const p = resolveIntOrPercent(role.partition ?? 0, role.replicas, true);
        const u = Math.max(1, resolveIntOrPercent(role.maxUnavailable ?? 1, role.replicas, false));
        const want = desiredRoleHash.get(role.name);
        const step = rolloutStep({
          members: liveReplicas.map((r) => ({
            ordinal: r.ordinal,
            ready: roleReplicaReady(r, role.workerReplicas),
            outdated: [...r.pods.values()].some((pod) => !pod.terminating && pod.roleHash !== want),
          })),
          terminatingCount: reservedOrdinals.length,
          replicas: role.replicas,
          partition: p,
          maxUnavailable: u,
          maxSurge: 0,
        });
        rolloutDeleted = new Set(step.delete);
        for (const o of step.delete) {
          const r = byOrdinal.get(o);
          if (r) deleteRoleReplica(g, r, `role rolling update to ${want ?? ""}`);
        }
      }
      const remaining = liveReplicas.filter((r) => !rolloutDeleted.has(r.ordinal));
      const reservedAll = [...reservedOrdinals, ...rolloutDeleted];
      if (replaceable && g.pods.length > 0) continue;
      if (remaining.length > role.replicas) {
        const p =
          rollout.type === "RoleRollingUpdate"
            ? resolveIntOrPercent(role.partition ?? 0, role.replicas, true)
            : 0;
        const victims = pickScaleDownVictims(
          remaining.map((r) => ({
            ordinal: r.ordinal,
            ready: roleReplicaReady(r, role.workerReplicas),
            deletionCost: [...r.pods.values()].reduce((n, pod) => n + pod.deletionCost, 0),
            protected: r.ordinal < p,
            r,
          })),
          remaining.length - role.replicas,
        );
        for (const v of victims)
          deleteRoleReplica(g, v.r, `scale role ${role.name} down to ${role.replicas}`);
      } else {
        for (const o of ordinalsToCreate(
          role.replicas,
          remaining.map((r) => r.ordinal),
          reservedAll,
        )) {
          const rr = roleRev(o);
          pendingRevisions.add(rr.revision);
          createRoleReplica(
            g.ordinal,
            rr.role,
            o,
            rr.revision,
            rr.template,
            gang,
            `scale role ${role.name} up to ${role.replicas}`,
          );
        }
      }
      // Headless Services of live role replicas that lost theirs.
      for (const r of remaining) {
        if (r.services.some((s) => !isTerminating(s))) continue;
        const rr = roleRev(r.ordinal);
        const svc = desiredHeadlessService(owner, g.ordinal, rr.role, r.ordinal, rr.revision);
        if (svc) apply.push(svc);
      }
    }
  }

  // 7. Status, per-group state and role transition events.
  const summaries: GroupSummary[] = survivors
    .filter((g) => g.pods.length > 0 || g.podGroup !== undefined)
    .map((g) => ({
      ordinal: g.ordinal,
      revision:
        rollout.type === "RoleRollingUpdate" && groupUpdated(g) ? updateRevision : g.revision,
      ready: groupReady(g),
      updated: groupUpdated(g),
    }));
  const status = computeStatus({
    ms,
    groups: summaries,
    updateRevision,
    partition: rollout.partition,
    now: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
    pendingRevisions: [...pendingRevisions],
  });
  const groupStatus = groupStatusOf(groups, (g) => groupTemplate(g), deletes);
  const previous = parsePreviousGroupStatus(ms);
  for (const [gname, entry] of Object.entries(groupStatus)) {
    for (const [rid, state] of Object.entries(entry.roles)) {
      if (state === "Running" && previous[gname]?.roles[rid] !== "Running") {
        events.push({
          type: "Normal",
          reason: "RoleRunning",
          message: `role ${rid} of ServingGroup ${gname} is running`,
        });
      }
    }
  }

  // 8. Garbage-collect revisions no group uses any more.
  const inUse = new Set<string>([
    updateRevision,
    status.currentRevision ?? updateRevision,
    ...pendingRevisions,
  ]);
  for (const g of groups.values()) if (g.revision) inUse.add(g.revision);
  for (const p of input.pods) {
    const rev = p.metadata?.labels?.["modelserving.volcano.sh/revision"];
    if (rev) inUse.add(rev);
  }
  for (const [rev, cr] of revisionObjects) {
    if (!inUse.has(rev) && !isTerminating(cr))
      deletes.push({
        kind: "ControllerRevision",
        name: controllerRevisionName(owner.name, rev),
        reason: "revision no longer used",
      });
  }

  return {
    updateRevision,
    apply,
    delete: dedupeDeletes(deletes),
    events,
    status,
    groupStatus,
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
  };
}

function gangFields(spec: Record<string, unknown> | undefined): unknown {
  if (!spec) return null;
  const { minMember, minResources, minTaskMember, subGroupPolicy, networkTopology, queue } = spec;
  return {
    minMember,
    minResources,
    minTaskMember,
    subGroupPolicy,
    networkTopology,
    queue: queue === "default" ? undefined : queue,
  };
}

function emptyGroup(ms: string, ordinal: number): GroupView {
  return {
    ordinal,
    name: `${ms}-${ordinal}`,
    pods: [],
    services: [],
    podGroup: undefined,
    roles: new Map(),
    revision: undefined,
    terminating: false,
  };
}

function dedupeDeletes(list: DeleteAction[]): DeleteAction[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.kind}/${d.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function groupStatusOf(
  groups: Map<number, GroupView>,
  templateOf: (g: GroupView) => Template,
  deletes: readonly DeleteAction[],
): Record<string, GroupStatusEntry> {
  const deletedPods = new Set(deletes.filter((d) => d.kind === "Pod").map((d) => d.name));
  const out: Record<string, GroupStatusEntry> = {};
  for (const g of [...groups.values()].sort((a, b) => a.ordinal - b.ordinal)) {
    const t = templateOf(g);
    const roles: Record<string, RoleState> = {};
    let allRunning = true;
    let scaling = false;
    for (const role of t.roles) {
      const byOrdinal = g.roles.get(role.name);
      const count = [...(byOrdinal?.values() ?? [])].filter((r) =>
        [...r.pods.values()].some((p) => !p.terminating),
      ).length;
      if (count !== role.replicas) scaling = true;
      for (const r of byOrdinal?.values() ?? []) {
        const pods = [...r.pods.values()];
        if (pods.length === 0) continue;
        const state: RoleState = pods.some((p) => p.terminating || deletedPods.has(p.name))
          ? "Deleting"
          : roleReplicaReady(r, role.workerReplicas)
            ? "Running"
            : "Creating";
        if (state !== "Running") allRunning = false;
        roles[r.id] = state;
      }
    }
    const deleting =
      g.terminating ||
      (g.pods.length > 0 && g.pods.every((p) => p.terminating || deletedPods.has(p.name)));
    out[g.name] = {
      phase: deleting
        ? "Deleting"
        : scaling && allRunning
          ? "Scaling"
          : allRunning && !scaling
            ? "Running"
            : "Creating",
      ...(g.revision ? { revision: g.revision } : {}),
      roles,
    };
  }
  return out;
}
