// Kthena AutoscalingPolicy spec (durations "15s", quantities "0.5") → the core's plain parameters.
// The input type is the zod output type of packages/shared/src/api (defaults applied by parsing);
// optional fields are still defaulted here so an unparsed object of the same shape also works.
import type { AutoscalingPolicySpec } from "../api/workload/autoscaling-policy.ts";
import { durationToMs } from "../api/common/duration.ts";
import { quantityToNumber, type Quantity } from "../api/common/quantity.ts";
import type { DisaggregatedParams } from "./ratio.ts";
import {
  DEFAULT_PANIC,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP_STABLE,
  type BehaviorParams,
  type MetricTarget,
  type ScalingParams,
  type StablePolicyParams,
} from "./types.ts";

type Behavior = NonNullable<AutoscalingPolicySpec["behavior"]>;
type StableIn = NonNullable<Behavior["scaleDown"]>;
type PanicIn = NonNullable<NonNullable<Behavior["scaleUp"]>["panicPolicy"]>;

export interface HeterogeneousTargetParams {
  targetName: string;
  cost: number;
  minReplicas: number;
  maxReplicas: number;
}

export type ConvertedPolicy =
  | { kind: "homogeneous"; targetName: string; params: ScalingParams }
  | {
      kind: "heterogeneous";
      /** Recommendation for the total over all targets (bounds Σmin..Σmax). */
      params: ScalingParams;
      targets: HeterogeneousTargetParams[];
      costExpansionRatePercent: number;
    }
  | { kind: "disaggregated"; targetName: string; params: DisaggregatedParams; roleOrder: string[] };

function ms(d: string | undefined, fallback: number): number {
  return d === undefined ? fallback : durationToMs(d);
}

function stable(p: Partial<StableIn> | undefined, def: StablePolicyParams): StablePolicyParams {
  return {
    instances: p?.instances ?? def.instances,
    percent: p?.percent ?? def.percent,
    periodMs: ms(p?.period, def.periodMs),
    selectPolicy: p?.selectPolicy ?? def.selectPolicy,
    stabilizationWindowMs: ms(p?.stabilizationWindow, def.stabilizationWindowMs),
  };
}

function panic(p: Partial<PanicIn> | undefined) {
  if (!p) return undefined;
  return {
    percent: p.percent ?? DEFAULT_PANIC.percent,
    periodMs: ms(p.period, DEFAULT_PANIC.periodMs),
    panicThresholdPercent: p.panicThresholdPercent ?? DEFAULT_PANIC.panicThresholdPercent,
    panicModeHoldMs: ms(p.panicModeHold, DEFAULT_PANIC.panicModeHoldMs),
  };
}

export function behaviorFromPolicy(b: Behavior | undefined): BehaviorParams {
  const pp = panic(b?.scaleUp?.panicPolicy);
  return {
    scaleUp: {
      stablePolicy: stable(b?.scaleUp?.stablePolicy, DEFAULT_SCALE_UP_STABLE),
      ...(pp ? { panicPolicy: pp } : {}),
    },
    scaleDown: stable(b?.scaleDown, DEFAULT_SCALE_DOWN),
  };
}

function metrics(
  list: readonly { name: string; targetValue: Quantity }[] | undefined,
): MetricTarget[] {
  return (list ?? []).map((m) => ({ name: m.name, targetValue: quantityToNumber(m.targetValue) }));
}

/** Converts one AutoscalingPolicy spec. Throws if none of the three targets is set. */
export function fromAutoscalingPolicy(spec: AutoscalingPolicySpec): ConvertedPolicy {
  const tolerancePercent = spec.tolerancePercent ?? 10;
  const behavior = behaviorFromPolicy(spec.behavior);
  const base = metrics(spec.metrics);
  if (spec.homogeneousTarget) {
    const t = spec.homogeneousTarget;
    return {
      kind: "homogeneous",
      targetName: t.target.targetRef.name ?? "",
      params: {
        metrics: base,
        tolerancePercent,
        behavior,
        minReplicas: t.minReplicas,
        maxReplicas: t.maxReplicas,
      },
    };
  }
  if (spec.heterogeneousTarget) {
    const h = spec.heterogeneousTarget;
    const targets = h.params.map((p) => ({
      targetName: p.target.targetRef.name ?? "",
      cost: p.cost,
      minReplicas: p.minReplicas,
      maxReplicas: p.maxReplicas,
    }));
    return {
      kind: "heterogeneous",
      params: {
        metrics: base,
        tolerancePercent,
        behavior,
        minReplicas: targets.reduce((s, t) => s + t.minReplicas, 0),
        maxReplicas: targets.reduce((s, t) => s + t.maxReplicas, 0),
      },
      targets,
      costExpansionRatePercent: h.costExpansionRatePercent ?? 200,
    };
  }
  if (spec.disaggregatedTarget) {
    const d = spec.disaggregatedTarget;
    const roleOrder = Object.keys(d.roles);
    const roles: Record<string, ScalingParams> = {};
    for (const [name, r] of Object.entries(d.roles)) {
      roles[name] = {
        metrics: r.metrics ? metrics(r.metrics) : base,
        tolerancePercent,
        behavior,
        minReplicas: r.minReplicas,
        maxReplicas: r.maxReplicas,
      };
    }
    const rc = d.ratioConstraint;
    const params: DisaggregatedParams = {
      numeratorRole: rc?.numeratorRole ?? roleOrder[0] ?? "",
      denominatorRole: rc?.denominatorRole ?? roleOrder[1] ?? "",
      roles,
      ...(rc
        ? {
            ratio: {
              ...(rc.minRatio !== undefined ? { minRatio: quantityToNumber(rc.minRatio) } : {}),
              ...(rc.maxRatio !== undefined ? { maxRatio: quantityToNumber(rc.maxRatio) } : {}),
            },
          }
        : {}),
    };
    return { kind: "disaggregated", targetName: d.targetRef.name ?? "", params, roleOrder };
  }
  throw new Error(
    "AutoscalingPolicy: exactly one of homogeneousTarget, heterogeneousTarget or disaggregatedTarget must be set",
  );
}
