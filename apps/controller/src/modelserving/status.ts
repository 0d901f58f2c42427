// ModelServing status and conditions (reference §3.6), computed from observed groups only.
import { LABEL_ENTRY, LABEL_MODEL_SERVING_NAME, LABEL_ROLE, LABEL_ROLE_ID } from "@tessera/shared";
import type { Condition, ModelServing } from "@tessera/shared";
import { roleId } from "./names.ts";

export type ModelServingStatus = NonNullable<ModelServing["status"]>;

export interface GroupSummary {
  ordinal: number;
  revision: string | undefined;
  ready: boolean;
  updated: boolean;
}

export interface StatusInput {
  ms: ModelServing;
  /** Live (not terminating) ServingGroups. */
  groups: readonly GroupSummary[];
  updateRevision: string;
  partition: number;
  now: string;
  /** Revisions of groups being created right now (not observed yet, but in use). */
  pendingRevisions?: readonly string[];
}

/** keep the previous currentRevision while some group still runs it, else the most common outdated one, else updateRevision. */
export function currentRevisionOf(
  prev: string | undefined,
  groups: readonly GroupSummary[],
  updateRevision: string,
  pending: readonly string[] = [],
): string {
  const outdated = groups.filter((g) => !g.updated && g.revision !== undefined);
  if (
    prev !== undefined &&
    prev !== updateRevision &&
    (outdated.some((g) => g.revision === prev) || pending.includes(prev))
  )
    return prev;
  const counts = new Map<string, number>();
  for (const g of outdated)
    if (g.revision) counts.set(g.revision, (counts.get(g.revision) ?? 0) + 1);
  let best: string | undefined;
  for (const [rev, n] of counts)
    if (best === undefined || n > (counts.get(best) ?? 0) || (n === counts.get(best) && rev < best))
      best = rev;
  return best ?? updateRevision;
}

/** Selects exactly one pod per ServingGroup (the entry pod of the first role's replica 0), for HPA/KEDA (kthena#839). */
export function labelSelectorOf(ms: ModelServing): string {
  const first = ms.spec.template.roles[0];
  const parts = [`${LABEL_MODEL_SERVING_NAME}=${ms.metadata.name ?? ""}`];
  if (first) parts.push(`${LABEL_ROLE}=${first.name}`, `${LABEL_ROLE_ID}=${roleId(first.name, 0)}`);
  parts.push(`${LABEL_ENTRY}=true`);
  return parts.join(",");
}

function condition(
  prev: readonly Condition[],
  c: Omit<Condition, "lastTransitionTime">,
  now: string,
): Condition {
  const old = prev.find((p) => p.type === c.type);
  return {
    ...c,
    lastTransitionTime: old && old.status === c.status ? (old.lastTransitionTime ?? now) : now,
  };
}

function list(ordinals: number[]): string {
  return ordinals.sort((a, b) => a - b).join(", ");
}

export function computeStatus(input: StatusInput): ModelServingStatus {
  const { ms, groups, updateRevision, partition, now } = input;
  const generation = ms.metadata.generation;
  const desired = ms.spec.replicas;
  const prev = ms.status?.conditions ?? [];
  const updated = groups.filter((g) => g.updated);
  const notReady = groups.filter((g) => !g.ready).map((g) => g.ordinal);
  const notUpdated = groups.filter((g) => !g.updated).map((g) => g.ordinal);
  const currentRevision = currentRevisionOf(
    ms.status?.currentRevision,
    groups,
    updateRevision,
    input.pendingRevisions,
  );
  const currentReplicas =
    currentRevision === updateRevision
      ? updated.length
      : groups.filter((g) => !g.updated && g.revision === currentRevision).length;
  const updating = notUpdated.length > partition;
  const progressing = notReady.length > 0 || groups.length !== desired || updating;
  const gen = generation !== undefined ? { observedGeneration: generation } : {};
  let conditions: Condition[];
  if (!progressing) {
    conditions = [
      condition(
        prev,
        {
          type: "Available",
          status: "True",
          reason: "AllGroupsReady",
          message: `all ${groups.length} ServingGroups are ready`,
          ...gen,
        },
        now,
      ),
      condition(
        prev,
        { type: "Progressing", status: "False", reason: "AllGroupsReady", ...gen },
        now,
      ),
      condition(
        prev,
        { type: "UpdateInProgress", status: "False", reason: "AllGroupsReady", ...gen },
        now,
      ),
    ];
  } else if (updating) {
    conditions = [
      condition(
        prev,
        {
          type: "Available",
          status: "False",
          reason: "GroupsUpdating",
          message: `ServingGroups not ready: [${list(notReady)}]`,
          ...gen,
        },
        now,
      ),
      condition(
        prev,
        { type: "Progressing", status: "False", reason: "GroupsUpdating", ...gen },
        now,
      ),
      condition(
        prev,
        {
          type: "UpdateInProgress",
          status: "True",
          reason: "GroupsUpdating",
          message: `ServingGroups being updated: [${list(notUpdated)}]`,
          ...gen,
        },
        now,
      ),
    ];
  } else {
    const msg =
      notReady.length > 0
        ? `ServingGroups not ready: [${list(notReady)}]`
        : `${groups.length} of ${desired} ServingGroups exist`;
    conditions = [
      condition(
        prev,
        { type: "Available", status: "False", reason: "GroupProgressing", message: msg, ...gen },
        now,
      ),
      condition(
        prev,
        { type: "Progressing", status: "True", reason: "GroupProgressing", message: msg, ...gen },
        now,
      ),
      condition(
        prev,
        { type: "UpdateInProgress", status: "False", reason: "GroupProgressing", ...gen },
        now,
      ),
    ];
  }
  // Conditions the controller does not own (e.g. a ValidationFailed cleared elsewhere) are kept as they are.
  const owned = new Set(conditions.map((c) => c.type));
  const others = prev.filter((c) => !owned.has(c.type) && c.type !== "Valid");
  return {
    ...gen,
    replicas: groups.length,
    currentReplicas,
    updatedReplicas: updated.length,
    availableReplicas: groups.filter((g) => g.ready).length,
    currentRevision,
    updateRevision,
    conditions: [...conditions, ...others],
    labelSelector: labelSelectorOf(ms),
  };
}
