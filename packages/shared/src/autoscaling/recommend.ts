// Raw (uncorrected) recommendation per metric, HPA style (kthena.md §5 "Recommendation"):
//   external value v:  desired = ceil(v / target), unless |v / (target × current) − 1| ≤ tolerance
//   pod samples:       ratio = (Σ ready values / n) / target over the n ready pods with a value;
//                      no unready/missing pods ⇒ keep current within tolerance, else ceil(ratio × n);
//                      otherwise (as Kubernetes' HPA does) missing pods count as `target` when scaling
//                      down and 0 when scaling up, unready pods count as 0 when scaling up (ignored when
//                      scaling down), and if that flips the direction or lands inside the tolerance the
//                      current count is kept.
// Kthena pre-sums pod values and compares the sum with one replica's target, which centres its
// tolerance band on 1 replica; Tessera uses the per-pod average like HPA, which is what the
// tolerance is meant to mean. Both give ceil(Σ/target) when every pod is ready and reporting.
import type { LimitKind, MetricObservation, PodSample } from "./types.ts";

export interface MetricRecommendation {
  /** Desired replicas for this metric; undefined ⇒ the metric gives no opinion this cycle. */
  desired: number | undefined;
  /** Sum over ready pods with a value, or the external value. */
  value: number | undefined;
  /** Which HPA rule decided (tolerance / unreadyPods / directionFlip / none). */
  rule: LimitKind;
}

const EPS = 1e-9;

function ceilSafe(x: number): number {
  // Guard against 2.0000000000000004 turning into 3.
  return Math.ceil(x - EPS);
}

export function recommendExternal(
  value: number,
  target: number,
  current: number,
  tolerance: number,
): MetricRecommendation {
  if (!(target > 0) || !Number.isFinite(value)) return { desired: undefined, value, rule: "none" };
  const raw = value / target;
  if (current > 0 && Math.abs(raw / current - 1) <= tolerance)
    return { desired: current, value, rule: "tolerance" };
  return { desired: Math.max(0, ceilSafe(raw)), value, rule: "none" };
}

export function recommendPods(
  samples: PodSample[],
  target: number,
  current: number,
  tolerance: number,
): MetricRecommendation {
  if (!(target > 0)) return { desired: undefined, value: undefined, rule: "none" };
  let sum = 0;
  let n = 0;
  let unready = 0;
  let missing = 0;
  for (const s of samples) {
    if (!s.ready) unready++;
    else if (s.value === undefined || !Number.isFinite(s.value)) missing++;
    else {
      sum += s.value;
      n++;
    }
  }
  if (n === 0) return { desired: undefined, value: undefined, rule: "none" };
  const ratio = sum / n / target;
  if (unready === 0 && missing === 0) {
    if (Math.abs(ratio - 1) <= tolerance)
      return { desired: current, value: sum, rule: "tolerance" };
    return { desired: ceilSafe(ratio * n), value: sum, rule: "none" };
  }
  const scaleUp = ratio > 1;
  let adjSum = sum;
  let adjN = n;
  if (missing > 0) {
    adjSum += scaleUp ? 0 : missing * target;
    adjN += missing;
  }
  if (scaleUp && unready > 0) adjN += unready; // counted as contributing 0
  const newRatio = adjSum / adjN / target;
  if (Math.abs(newRatio - 1) <= tolerance)
    return { desired: current, value: sum, rule: "tolerance" };
  if ((ratio > 1 && newRatio < 1) || (ratio < 1 && newRatio > 1))
    return { desired: current, value: sum, rule: "directionFlip" };
  const desired = ceilSafe(newRatio * adjN);
  // A recommendation that moves against the (adjusted) direction is discarded, as in HPA.
  if ((newRatio < 1 && desired > current) || (newRatio > 1 && desired < current)) {
    return { desired: current, value: sum, rule: "directionFlip" };
  }
  return { desired, value: sum, rule: scaleUp && unready > 0 ? "unreadyPods" : "none" };
}

export function recommendMetric(
  obs: MetricObservation,
  target: number,
  current: number,
  tolerance: number,
): MetricRecommendation {
  switch (obs.kind) {
    case "external":
      return recommendExternal(obs.value, target, current, tolerance);
    case "pods":
      return recommendPods(obs.samples, target, current, tolerance);
    case "missing":
      return { desired: undefined, value: undefined, rule: "none" };
  }
}
