// AutoscalingPolicy status for every target kind (Kthena writes it only for P/D, #1469): per-unit
// current/desired/mode/lastScaleTime plus conditions:
//   Ready          policy valid and its target found;
//   ScalingActive  at least one metric could be read (reason FailedGetMetrics otherwise);
//   ScalingLimited the last decision was bound by a rule (reason = the limit, e.g. scaleUpRate);
//   Schedulable    False with reason Unschedulable when a scale-up was cut to what can be placed.
import type { Condition } from "@tessera/shared/api/common/condition";

export interface UnitStatus {
  name: string;
  currentReplicas: number;
  desiredReplicas: number;
  mode: "Stable" | "Panic";
  lastScaleTime?: string;
}

export function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  generation: number | undefined,
  previous: readonly Condition[] | undefined,
  now: string,
): Condition {
  const status = ok ? "True" : "False";
  const prev = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message: message.slice(0, 1024),
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}
