// Autoscaling recommendation core (kthena.md §5): HPA-style raw recommendation, stable/panic
// correction with sliding windows, P/D ratio repair, trace replay, and the heterogeneous optimiser.
// Pure and deterministic; time is always an input (see README.md).
export * from "./types.ts";
export { SlidingExtremum, type WindowKind } from "./window.ts";
export {
  recommendExternal,
  recommendMetric,
  recommendPods,
  type MetricRecommendation,
} from "./recommend.ts";
export { Recommender, scaleDownFloor, scaleUpCap, type DecideInput } from "./recommender.ts";
export {
  DisaggregatedRecommender,
  ratioHolds,
  repairRatio,
  type DisaggregatedDecision,
  type DisaggregatedParams,
  type RatioConstraint,
  type RatioRepair,
  type RoleCount,
} from "./ratio.ts";
export {
  diurnalTrace,
  mulberry32,
  replayTrace,
  spikeTrace,
  stepTrace,
  type ReplayOptions,
  type ReplaySample,
  type TracePoint,
  type TraceShape,
} from "./replay.ts";
export {
  behaviorFromPolicy,
  fromAutoscalingPolicy,
  type ConvertedPolicy,
  type HeterogeneousTargetParams,
} from "./convert.ts";
export {
  heterogeneousModel,
  kthenaCostBlocks,
  kthenaForDemand,
  loadHighsSolver,
  optimiseHeterogeneous,
  validateTargets,
  type HeterogeneousPlan,
  type HeterogeneousTarget,
} from "./heterogeneous.ts";
export {
  applyPlacementLimit,
  type PlaceableCapacity,
  type PlacementLimitedDecision,
} from "./placement-limit.ts";
