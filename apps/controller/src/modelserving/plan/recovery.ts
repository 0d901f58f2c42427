// Failure recovery decisions (reference §3.5) as pure functions of observed state and time.
import type { RecoveryPolicySchema } from "@tessera/shared";
import type { z } from "zod";
import type { PodView, RoleReplicaView } from "../observed.ts";

export type RecoveryPolicy = z.output<typeof RecoveryPolicySchema>;

export type PodRecovery =
  { action: "none" } | { action: "wait"; afterMs: number } | { action: "delete" };

/**
 * A pod that failed (phase Failed, or restarted and not Ready) gets `restartGracePeriodSeconds` to
 * recover; after that it is deleted (with its UID as precondition, so a replacement is never hit).
 */
export function podRecovery(pod: PodView, graceSeconds: number, now: number): PodRecovery {
  if (pod.terminating || pod.failingSince === undefined) return { action: "none" };
  const deadline = pod.failingSince + graceSeconds * 1000;
  return now >= deadline ? { action: "delete" } : { action: "wait", afterMs: deadline - now };
}

export type ReplicaRecovery =
  | { action: "ok" }
  /** Some pods are still terminating: wait for them to go before acting. */
  | { action: "wait" }
  /** Create these missing pod indexes (policy None). */
  | { action: "createPods"; indexes: number[] }
  /** Delete the remaining pods (and the Service) of the role replica; it is then recreated whole. */
  | { action: "recreateRole" }
  /** Delete the whole ServingGroup; scale-up refills its ordinal. */
  | { action: "recreateGroup" };

/**
 * What to do with a role replica that lost pods. A replica with no live pod at all is simply
 * missing (role scale-up recreates it); one with some live and some missing or terminating pods is
 * broken and handled by the recovery policy.
 */
export function replicaRecovery(
  r: RoleReplicaView,
  workerReplicas: number,
  policy: RecoveryPolicy,
): ReplicaRecovery {
  const expected = workerReplicas + 1;
  const live: number[] = [];
  const terminating: number[] = [];
  for (let i = 0; i < expected; i++) {
    const p = r.pods.get(i);
    if (!p) continue;
    if (p.terminating) terminating.push(i);
    else live.push(i);
  }
  if (live.length === expected) return { action: "ok" };
  if (live.length === 0) return terminating.length > 0 ? { action: "wait" } : { action: "ok" };
  switch (policy) {
    case "ServingGroupRecreate":
      return { action: "recreateGroup" };
    case "RoleRecreate":
      return { action: "recreateRole" };
    case "None": {
      const missing: number[] = [];
      for (let i = 0; i < expected; i++) if (!r.pods.has(i)) missing.push(i);
      return missing.length > 0 ? { action: "createPods", indexes: missing } : { action: "wait" };
    }
  }
}
