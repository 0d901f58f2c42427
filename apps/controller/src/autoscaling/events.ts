// One Event per scaling decision (issue item 5): which metric and value, the target, the mode
// (Stable/Panic) and the rule that bound the result. Recorded on the AutoscalingPolicy and on the
// scaled ModelServing, so `kubectl describe` of either explains every replica change.
import type { Decision } from "@tessera/shared/autoscaling/index";

export const REASON_SCALED_UP = "ScaledUp";
export const REASON_SCALED_DOWN = "ScaledDown";
export const REASON_UNSCHEDULABLE = "Unschedulable";
export const REASON_NO_METRICS = "FailedGetMetrics";
export const REASON_INVALID = "InvalidPolicy";
export const REASON_TARGET_MISSING = "TargetNotFound";
/** Ready=False: no pair within the role bounds meets the P/D ratio. */
export const REASON_RATIO_VIOLATED = "RatioConstraintViolated";
/** Ready=False: the repaired pair met the ratio, but a placement cut left the written pair outside it. */
export const REASON_RATIO_CUT = "RatioUnmetAfterPlacement";

function fmt(v: number | undefined): string {
  if (v === undefined) return "n/a";
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

/** "decode: 2 → 4 (metric num_requests_waiting=25 target 5, mode Panic, limit panicRate): …". */
export function decisionMessage(unit: string, from: number, d: Decision): string {
  const r = d.reason;
  const metric =
    r.metric === undefined
      ? "no metric"
      : `metric ${r.metric}=${fmt(r.value)} target ${fmt(r.target)}`;
  return `${unit}: ${from} → ${d.desired} (${metric}, recommended ${r.recommended}, mode ${d.mode}, limit ${r.limit}): ${r.message}`;
}
