// Victim selection and ordinal filling: the ordering rules of reference §3.3, as pure functions.

export interface Candidate {
  ordinal: number;
  ready: boolean;
  /** Summed controller.kubernetes.io/pod-deletion-cost of the member pods. */
  deletionCost: number;
  /** Not at the update revision (Tessera: outdated groups go before updated ones of equal readiness). */
  outdated?: boolean;
  /** Below the partition: only deleted after every unprotected candidate. */
  protected?: boolean;
}

/**
 * Order in which to delete when scaling down: unprotected before protected, not-ready before ready,
 * outdated before updated, lower deletion cost first ("binpack scale-down"), higher ordinal first.
 */
export function scaleDownOrder<T extends Candidate>(candidates: readonly T[]): T[] {
  return [...candidates].sort(
    (a, b) =>
      Number(a.protected ?? false) - Number(b.protected ?? false) ||
      Number(a.ready) - Number(b.ready) ||
      Number(b.outdated ?? false) - Number(a.outdated ?? false) ||
      a.deletionCost - b.deletionCost ||
      b.ordinal - a.ordinal,
  );
}

export function pickScaleDownVictims<T extends Candidate>(
  candidates: readonly T[],
  count: number,
): T[] {
  return count <= 0 ? [] : scaleDownOrder(candidates).slice(0, count);
}

/**
 * Ordinals to create so that `live` + created = `replicas`. Free ordinals in [0, replicas) are
 * filled ascending; an ordinal still held by a terminating member stays reserved (it is refilled once
 * gone). Only when live members sit above the range do ordinals ≥ replicas get used.
 */
export function ordinalsToCreate(
  replicas: number,
  live: readonly number[],
  terminating: readonly number[],
): number[] {
  let need = replicas - live.length;
  if (need <= 0) return [];
  const occupied = new Set([...live, ...terminating]);
  const out: number[] = [];
  for (let o = 0; o < replicas && need > 0; o++) {
    if (!occupied.has(o)) {
      out.push(o);
      need--;
    }
  }
  need -= terminating.filter((o) => o < replicas).length;
  for (let o = replicas; need > 0; o++) {
    if (!occupied.has(o)) {
      out.push(o);
      need--;
    }
  }
  return out;
}

export interface RolloutMember {
  ordinal: number;
  ready: boolean;
  outdated: boolean;
}

/**
 * One step of a Deployment-style rolling update over members (ServingGroups, or role replicas of one
 * role). Members below `partition` are never touched. Outdated members that are not ready are
 * replaced at once (they add no availability, kthena#743); ready outdated members are deleted,
 * highest ordinal first, only while at least `replicas - maxUnavailable` members stay ready.
 * With maxSurge > 0, new members may be created first (up to replicas + maxSurge in total, counting
 * terminating ones, which still hold their GPUs).
 */
export function rolloutStep(p: {
  members: readonly RolloutMember[];
  terminatingCount: number;
  replicas: number;
  partition: number;
  maxUnavailable: number;
  maxSurge: number;
}): { delete: number[]; surge: number } {
  const eligible = p.members.filter((m) => m.ordinal >= p.partition && m.outdated);
  if (eligible.length === 0) return { delete: [], surge: 0 };
  const notReady = eligible.filter((m) => !m.ready).map((m) => m.ordinal);
  const readyCount = p.members.filter((m) => m.ready).length;
  const budget = Math.max(0, readyCount - Math.max(0, p.replicas - p.maxUnavailable));
  const readyOutdated = eligible
    .filter((m) => m.ready)
    .map((m) => m.ordinal)
    .sort((a, b) => b - a)
    .slice(0, budget);
  const updatedCount = p.members.filter((m) => !m.outdated).length;
  const total = p.members.length + p.terminatingCount;
  const surge = Math.max(
    0,
    Math.min(p.replicas + p.maxSurge - total, p.replicas - updatedCount, eligible.length),
  );
  return {
    delete: [...notReady.sort((a, b) => b - a), ...readyOutdated],
    surge: p.maxSurge > 0 ? surge : 0,
  };
}
