// Stable/panic correction of the raw recommendation (kthena.md §5). One Recommender per scalable
// unit keeps the windows; `decide` is pure apart from that state and takes the time as an input.
//
//   recommended R = clamp(max over metrics of the raw recommendation, min, max)
//   panic:  R × 100 ≥ current × panicThresholdPercent (and R > current) ⇒ panic until now + hold;
//           in panic corrected = max(current, min(R, ceil(M × (1 + panic.percent/100)))),
//           M = min replica count (current and decided) over the last panic.period  (never scales down)
//   stable scale-up (R > current):
//           S = min(R, min R over scaleUp.stabilizationWindow)
//           cap = M + instances  Or/And  ceil(M × (1 + percent/100)), M = min replicas in period
//           corrected = max(current, min(S, cap))
//   stable scale-down (R < current):
//           S = max(R, max R over scaleDown.stabilizationWindow)
//           floor = M − instances  Or/And  floor(M × (1 − percent/100)), M = max replicas in period
//           corrected = min(current, max(S, floor))
//   desired = clamp(corrected, min, max)
// Or picks the more permissive limit (larger cap / smaller floor), And the stricter one. Scaling up
// from 0 (stable or panic) may always reach at least 1 (a percentage of 0 is 0).
// The M histories hold both the replica count seen at each decision and the count decided, so M
// is the count at the start of the period: two decisions inside one period share one budget.
import { recommendMetric } from "./recommend.ts";
import type {
  Decision,
  LimitKind,
  MetricObservation,
  ScalingMode,
  ScalingParams,
  StablePolicyParams,
} from "./types.ts";
import { SlidingExtremum } from "./window.ts";

export interface DecideInput {
  /** Milliseconds (any monotonic clock). */
  now: number;
  /** The unit's current replica count (spec replicas). */
  currentReplicas: number;
  /** Observations by metric name; metrics without an entry count as missing. */
  observations: Readonly<Record<string, MetricObservation>>;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function scaleUpCap(
  m: number,
  p: Pick<StablePolicyParams, "instances" | "percent" | "selectPolicy">,
): number {
  const byInstances = m + p.instances;
  const byPercent = Math.ceil(m * (1 + p.percent / 100) - 1e-9);
  const cap =
    p.selectPolicy === "And" ? Math.min(byInstances, byPercent) : Math.max(byInstances, byPercent);
  // A percentage of 0 is 0: without this an And policy could never leave 0 replicas.
  return Math.max(cap, m === 0 ? 1 : 0);
}

export function scaleDownFloor(
  m: number,
  p: Pick<StablePolicyParams, "instances" | "percent" | "selectPolicy">,
): number {
  const byInstances = m - p.instances;
  const byPercent = Math.floor(m * (1 - p.percent / 100) + 1e-9);
  const floor =
    p.selectPolicy === "And" ? Math.max(byInstances, byPercent) : Math.min(byInstances, byPercent);
  return Math.max(0, floor);
}

const LIMIT_TEXT: Record<LimitKind, string> = {
  none: "",
  noMetrics: "no metric could be read; keeping the current count",
  tolerance: "within the tolerance band; keeping the current count",
  unreadyPods: "unready pods counted as 0 (conservative scale-up)",
  directionFlip: "counting unready/missing pods flips the direction; keeping the current count",
  scaleUpStabilization: "held by the scale-up stabilization window",
  scaleDownStabilization: "held by the scale-down stabilization window",
  scaleUpRate: "capped by the scale-up rate limit",
  scaleDownRate: "floored by the scale-down rate limit",
  panicRate: "capped by the panic rate limit",
  noScaleDownInPanic: "no scale-down while in panic mode",
  minReplicas: "raised to minReplicas",
  maxReplicas: "capped at maxReplicas",
  unschedulable: "limited to the ServingGroups that can be placed now",
};

export class Recommender {
  readonly params: ScalingParams;
  private readonly upStab: SlidingExtremum;
  private readonly downStab: SlidingExtremum;
  private readonly upHist: SlidingExtremum;
  private readonly downHist: SlidingExtremum;
  private readonly panicHist: SlidingExtremum | undefined;
  private panicUntil = Number.NEGATIVE_INFINITY;

  constructor(params: ScalingParams) {
    this.params = params;
    const { scaleUp, scaleDown } = params.behavior;
    this.upStab = new SlidingExtremum("min", scaleUp.stablePolicy.stabilizationWindowMs);
    this.downStab = new SlidingExtremum("max", scaleDown.stabilizationWindowMs);
    this.upHist = new SlidingExtremum("min", scaleUp.stablePolicy.periodMs);
    this.downHist = new SlidingExtremum("max", scaleDown.periodMs);
    this.panicHist = scaleUp.panicPolicy
      ? new SlidingExtremum("min", scaleUp.panicPolicy.periodMs)
      : undefined;
  }

  /** Mode at `now` without making a decision. */
  modeAt(now: number): ScalingMode {
    return now < this.panicUntil ? "Panic" : "Stable";
  }

  decide(input: DecideInput): Decision {
    const { now, currentReplicas: current } = input;
    const p = this.params;
    const tolerance = p.tolerancePercent / 100;

    let best:
      | {
          name: string;
          target: number;
          desired: number;
          value: number | undefined;
          rule: LimitKind;
        }
      | undefined;
    for (const m of p.metrics) {
      const rec = recommendMetric(
        input.observations[m.name] ?? { kind: "missing" },
        m.targetValue,
        current,
        tolerance,
      );
      if (rec.desired === undefined) continue;
      if (!best || rec.desired > best.desired) {
        best = {
          name: m.name,
          target: m.targetValue,
          desired: rec.desired,
          value: rec.value,
          rule: rec.rule,
        };
      }
    }

    if (!best) {
      this.recordReplicas(now, current);
      const desired = clamp(current, p.minReplicas, p.maxReplicas);
      const limit: LimitKind =
        desired > current ? "minReplicas" : desired < current ? "maxReplicas" : "noMetrics";
      return this.finish(now, desired, current, { recommended: desired, limit });
    }

    const recommended = clamp(best.desired, p.minReplicas, p.maxReplicas);
    let limit: LimitKind = best.rule;
    if (best.desired > p.maxReplicas) limit = "maxReplicas";
    else if (best.desired < p.minReplicas) limit = "minReplicas";

    this.upStab.record(now, recommended);
    this.downStab.record(now, recommended);
    this.recordReplicas(now, current);

    const panic = p.behavior.scaleUp.panicPolicy;
    if (
      panic &&
      recommended > current &&
      recommended * 100 >= current * panic.panicThresholdPercent
    ) {
      this.panicUntil = now + panic.panicModeHoldMs;
    }

    let corrected: number;
    if (panic && this.panicHist && now < this.panicUntil) {
      if (recommended <= current) {
        corrected = current;
        if (recommended < current) limit = "noScaleDownInPanic";
      } else {
        const m = Math.min(current, this.panicHist.query(now) ?? Number.POSITIVE_INFINITY);
        const cap = Math.max(Math.ceil(m * (1 + panic.percent / 100) - 1e-9), m === 0 ? 1 : 0);
        corrected = Math.max(current, Math.min(recommended, cap));
        if (cap < recommended) limit = "panicRate";
      }
    } else if (recommended > current) {
      const up = p.behavior.scaleUp.stablePolicy;
      const stabilized = Math.min(recommended, this.upStab.query(now) ?? recommended);
      const m = Math.min(current, this.upHist.query(now) ?? Number.POSITIVE_INFINITY);
      const cap = scaleUpCap(m, up);
      corrected = Math.max(current, Math.min(stabilized, cap));
      if (stabilized < recommended && stabilized <= cap) limit = "scaleUpStabilization";
      else if (cap < stabilized) limit = "scaleUpRate";
    } else if (recommended < current) {
      const down = p.behavior.scaleDown;
      const stabilized = Math.max(recommended, this.downStab.query(now) ?? recommended);
      const m = Math.max(current, this.downHist.query(now) ?? Number.NEGATIVE_INFINITY);
      const floor = scaleDownFloor(m, down);
      corrected = Math.min(current, Math.max(stabilized, floor));
      if (stabilized > recommended && stabilized >= floor) limit = "scaleDownStabilization";
      else if (floor > stabilized) limit = "scaleDownRate";
    } else {
      corrected = current;
    }

    const desired = clamp(corrected, p.minReplicas, p.maxReplicas);
    if (desired > corrected) limit = "minReplicas";
    else if (desired < corrected) limit = "maxReplicas";
    return this.finish(now, desired, current, {
      metric: best.name,
      value: best.value,
      target: best.target,
      recommended,
      limit,
    });
  }

  /** Replica counts (inputs and outputs) feed the rate-limit references M. */
  private recordReplicas(now: number, replicas: number): void {
    this.upHist.record(now, replicas);
    this.downHist.record(now, replicas);
    this.panicHist?.record(now, replicas);
  }

  private finish(
    now: number,
    desired: number,
    current: number,
    r: {
      metric?: string;
      value?: number | undefined;
      target?: number;
      recommended: number;
      limit: LimitKind;
    },
  ): Decision {
    this.recordReplicas(now, desired);
    const mode = this.modeAt(now);
    const head =
      r.metric !== undefined
        ? `${r.metric}=${fmt(r.value)} (target ${fmt(r.target)} per replica) recommends ${r.recommended}`
        : "no metric available";
    const tail = LIMIT_TEXT[r.limit];
    const message = `${mode}: ${head}; ${current} → ${desired}${tail ? ` (${tail})` : ""}`;
    return {
      desired,
      mode,
      reason: {
        ...(r.metric !== undefined ? { metric: r.metric } : {}),
        ...(r.value !== undefined ? { value: r.value } : {}),
        ...(r.target !== undefined ? { target: r.target } : {}),
        recommended: r.recommended,
        limit: r.limit,
        message,
      },
    };
  }
}

function fmt(x: number | undefined): string {
  if (x === undefined) return "?";
  return Number.isInteger(x) ? String(x) : x.toFixed(3).replace(/0+$/, "");
}
