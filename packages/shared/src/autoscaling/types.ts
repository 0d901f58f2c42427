// Plain policy parameters of the recommendation core (kthena.md §2.7 and §5). Durations are
// milliseconds, quantities are numbers: the core never parses Kubernetes strings (see convert.ts).

export type SelectPolicy = "Or" | "And";

/** behavior.scaleUp.stablePolicy and behavior.scaleDown. */
export interface StablePolicyParams {
  /** Replicas that may be added/removed per period (default 1). */
  instances: number;
  /** Percent of the period's reference replicas that may be added/removed (default 100). */
  percent: number;
  /** Rate-limit period in ms (default 15 000). 0 ⇒ the reference is the current replica count only. */
  periodMs: number;
  /** Or ⇒ the more permissive of the two limits, And ⇒ the stricter (default Or). */
  selectPolicy: SelectPolicy;
  /** Stabilization window in ms; 0 disables it. */
  stabilizationWindowMs: number;
}

/** behavior.scaleUp.panicPolicy. */
export interface PanicPolicyParams {
  /** Percent growth per period in panic (default 1000 ⇒ up to 11× the reference). */
  percent: number;
  periodMs: number;
  /** Enter panic when recommended × 100 ≥ current × panicThresholdPercent (default 200). */
  panicThresholdPercent: number;
  /** Panic lasts until the last trigger + hold (default 60 000). */
  panicModeHoldMs: number;
}

export interface BehaviorParams {
  scaleUp: { stablePolicy: StablePolicyParams; panicPolicy?: PanicPolicyParams };
  scaleDown: StablePolicyParams;
}

export interface MetricTarget {
  name: string;
  /** Per-replica target value of the metric (> 0). */
  targetValue: number;
}

/** Everything one Recommender needs for one scalable unit (a ModelServing, or one P/D role). */
export interface ScalingParams {
  metrics: MetricTarget[];
  /** 0..100, default 10. */
  tolerancePercent: number;
  behavior: BehaviorParams;
  minReplicas: number;
  maxReplicas: number;
}

export const DEFAULT_SCALE_UP_STABLE: StablePolicyParams = {
  instances: 1,
  percent: 100,
  periodMs: 15_000,
  selectPolicy: "Or",
  stabilizationWindowMs: 0,
};

export const DEFAULT_SCALE_DOWN: StablePolicyParams = {
  instances: 1,
  percent: 100,
  periodMs: 15_000,
  selectPolicy: "Or",
  stabilizationWindowMs: 0,
};

export const DEFAULT_PANIC: PanicPolicyParams = {
  percent: 1000,
  periodMs: 15_000,
  panicThresholdPercent: 200,
  panicModeHoldMs: 60_000,
};

/** One replica's (pod's) sample of one metric. `value` undefined ⇒ the pod exists but was not scraped. */
export interface PodSample {
  pod: string;
  ready: boolean;
  value?: number;
}

/** Metric observations for one decision: per-pod samples (summed by the core) or an external total. */
export type MetricObservation =
  | { kind: "pods"; samples: PodSample[] }
  | { kind: "external"; value: number }
  /** The source could not be read this cycle; the metric is ignored. */
  | { kind: "missing" };

export type ScalingMode = "Stable" | "Panic";

/** Which rule bound the final number, so an Event can explain the decision. */
export type LimitKind =
  | "none"
  | "noMetrics"
  | "tolerance"
  | "unreadyPods"
  | "directionFlip"
  | "scaleUpStabilization"
  | "scaleDownStabilization"
  | "scaleUpRate"
  | "scaleDownRate"
  | "panicRate"
  | "noScaleDownInPanic"
  | "minReplicas"
  | "maxReplicas"
  /** Fewer ServingGroups than recommended can be placed now (gang/topology/free GPUs). */
  | "unschedulable";

export interface DecisionReason {
  /** Metric that produced the largest raw recommendation (undefined when no metric was usable). */
  metric?: string;
  /** Its observed value (sum over ready pods, or the external value). */
  value?: number;
  target?: number;
  /** Raw recommendation before correction (already clamped to [min, max]). */
  recommended: number;
  limit: LimitKind;
  /** One human-readable sentence for the Event message. */
  message: string;
}

export interface Decision {
  desired: number;
  mode: ScalingMode;
  reason: DecisionReason;
}
