// AutoscalingPolicy (workload.serving.volcano.sh/v1alpha1), v1.0 shape: metrics, stable/panic
// behaviour and exactly one of a homogeneous, heterogeneous or disaggregated (P/D) target
// (reference §2.7).
import { z } from "zod";
import { ConditionSchema } from "../common/condition.ts";
import { duration } from "../common/duration.ts";
import { freeFormObject } from "../common/k8s-extensions.ts";
import { LabelSelectorSchema } from "../common/label-selector.ts";
import { ObjectReferenceSchema } from "../common/object-reference.ts";
import { quantity } from "../common/quantity.ts";
import { withRules } from "../common/rules.ts";
import { WORKLOAD_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";

export const SelectPolicySchema = z.enum(["Or", "And"]);

export const MetricSchema = z.strictObject({
  name: z.string().min(1),
  targetValue: quantity("Per-replica target; desired = ceil(value / target)."),
});
export type Metric = z.output<typeof MetricSchema>;

export const PodMetricSourceSchema = z.strictObject({
  name: z
    .string()
    .optional()
    .describe("Metric name on the pods; defaults to the metricSources key."),
  uri: z.string().default("/metrics"),
  port: z.int32().min(1).max(65535).default(8100),
  labelSelector: LabelSelectorSchema.optional(),
});

export const PrometheusMetricSourceSchema = z.strictObject({
  serverURL: z.string().min(1),
  query: z.string().min(1).describe("Instant query returning a single value."),
  auth: freeFormObject("Reserved; ignored.").optional(),
});

export const MetricSourceSchema = withRules(
  z.strictObject({
    pod: PodMetricSourceSchema.optional(),
    prometheus: PrometheusMetricSourceSchema.optional(),
  }),
  [
    {
      cel: "has(self.pod) != has(self.prometheus)",
      message: "exactly one of pod or prometheus must be set",
      test: (m) => (m.pod === undefined) !== (m.prometheus === undefined),
    },
  ],
);
export type MetricSource = z.output<typeof MetricSourceSchema>;

const MetricSourcesSchema = z
  .record(z.string(), MetricSourceSchema)
  .describe("Where each metric is read from, by metric name.");

/** Only ModelServings can be scaled by an AutoscalingPolicy. */
export const ScaleTargetRefSchema = withRules(ObjectReferenceSchema, [
  {
    field: "kind",
    cel: "!has(self.kind) || self.kind == 'ModelServing'",
    message: "only ModelServing can be targeted",
    test: (r) => r.kind === undefined || r.kind === "ModelServing",
  },
  {
    field: "name",
    cel: "has(self.name) && self.name != ''",
    message: "required",
    test: (r) => (r.name ?? "") !== "",
  },
]);

export const TargetSchema = z.strictObject({
  targetRef: ScaleTargetRefSchema,
  metricSources: MetricSourcesSchema.optional(),
});

export const StablePolicySchema = z.strictObject({
  instances: z.int32().min(0).default(1),
  percent: z.int32().min(0).max(1000).default(100),
  period: duration().default("15s"),
  selectPolicy: SelectPolicySchema.default("Or"),
  stabilizationWindow: duration().optional(),
});

export const PanicPolicySchema = z.strictObject({
  percent: z.int32().min(0).max(1000).default(1000),
  period: duration(),
  panicThresholdPercent: z.int32().min(110).max(1000).default(200),
  panicModeHold: duration().default("60s"),
});

export const BehaviorSchema = z.strictObject({
  scaleUp: z
    .strictObject({
      stablePolicy: StablePolicySchema.optional(),
      panicPolicy: PanicPolicySchema.optional(),
    })
    .optional(),
  scaleDown: StablePolicySchema.optional(),
});

/** Replica bounds shared by every target kind; min must not exceed max. */
function withBounds<T extends z.ZodObject>(schema: T) {
  return withRules(schema, [
    {
      field: "minReplicas",
      cel: "self.minReplicas <= self.maxReplicas",
      message: "must not exceed maxReplicas",
      test: (t: { minReplicas?: unknown; maxReplicas?: unknown }) =>
        typeof t.minReplicas !== "number" ||
        typeof t.maxReplicas !== "number" ||
        t.minReplicas <= t.maxReplicas,
    },
  ]);
}

export const HomogeneousTargetSchema = withBounds(
  z.strictObject({
    target: TargetSchema,
    minReplicas: z.int32().min(0),
    maxReplicas: z.int32().min(1),
  }),
);

export const HeterogeneousParamSchema = withBounds(
  z.strictObject({
    target: TargetSchema,
    cost: z.int32().min(0).describe("Relative cost of one replica of this target."),
    minReplicas: z.int32().min(0),
    maxReplicas: z.int32().min(1),
  }),
);

export const HeterogeneousTargetSchema = z.strictObject({
  params: z.array(HeterogeneousParamSchema).min(1),
  costExpansionRatePercent: z
    .int32()
    .min(100)
    .default(200)
    .describe("Growth factor of allocation blocks, in percent."),
});

export const DisaggregatedRoleSchema = withBounds(
  z.strictObject({
    minReplicas: z.int32().min(0),
    maxReplicas: z.int32().min(1),
    metrics: z.array(MetricSchema).optional().describe("Overrides spec.metrics for this role."),
    metricSources: MetricSourcesSchema.optional(),
  }),
);

export const RatioConstraintSchema = z.strictObject({
  numeratorRole: z.string().min(1),
  denominatorRole: z.string().min(1),
  minRatio: quantity().optional(),
  maxRatio: quantity().optional(),
});

export const DisaggregatedTargetSchema = withRules(
  z.strictObject({
    targetRef: ScaleTargetRefSchema,
    roles: z
      .record(z.string(), DisaggregatedRoleSchema)
      .refine(
        (r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 2,
        "must name 1 or 2 roles",
      )
      .meta({ minProperties: 1, maxProperties: 2 }),
    ratioConstraint: RatioConstraintSchema.optional(),
  }),
  [
    {
      field: "ratioConstraint",
      cel: "!has(self.ratioConstraint) || size(self.roles) == 2",
      message: "needs exactly 2 roles",
      test: (t) => t.ratioConstraint === undefined || Object.keys(t.roles).length === 2,
    },
    {
      field: "ratioConstraint.numeratorRole",
      cel: "!has(self.ratioConstraint) || self.ratioConstraint.numeratorRole in self.roles",
      message: "must name a role of this target",
      test: (t) =>
        t.ratioConstraint === undefined || Object.hasOwn(t.roles, t.ratioConstraint.numeratorRole),
    },
    {
      field: "ratioConstraint.denominatorRole",
      cel: "!has(self.ratioConstraint) || self.ratioConstraint.denominatorRole in self.roles",
      message: "must name a role of this target",
      test: (t) =>
        t.ratioConstraint === undefined ||
        Object.hasOwn(t.roles, t.ratioConstraint.denominatorRole),
    },
    {
      field: "ratioConstraint.denominatorRole",
      cel: "!has(self.ratioConstraint) || self.ratioConstraint.numeratorRole != self.ratioConstraint.denominatorRole",
      message: "must differ from numeratorRole",
      test: (t) =>
        t.ratioConstraint === undefined ||
        t.ratioConstraint.numeratorRole !== t.ratioConstraint.denominatorRole,
    },
  ],
);

export const AutoscalingPolicySpecSchema = withRules(
  z.strictObject({
    tolerancePercent: z.int32().min(0).max(100).default(10),
    metrics: z.array(MetricSchema).optional().describe("Default metrics for every scaled unit."),
    behavior: BehaviorSchema.optional(),
    homogeneousTarget: HomogeneousTargetSchema.optional(),
    heterogeneousTarget: HeterogeneousTargetSchema.optional(),
    disaggregatedTarget: DisaggregatedTargetSchema.optional(),
  }),
  [
    {
      cel: "(has(self.homogeneousTarget) ? 1 : 0) + (has(self.heterogeneousTarget) ? 1 : 0) + (has(self.disaggregatedTarget) ? 1 : 0) == 1",
      message:
        "exactly one of homogeneousTarget, heterogeneousTarget or disaggregatedTarget must be set",
      test: (s) =>
        [s.homogeneousTarget, s.heterogeneousTarget, s.disaggregatedTarget].filter(
          (t) => t !== undefined,
        ).length === 1,
    },
  ],
);
export type AutoscalingPolicySpec = z.output<typeof AutoscalingPolicySpecSchema>;

export const RoleScalingStatusSchema = z.strictObject({
  name: z.string(),
  currentReplicas: z.int32().optional(),
  desiredReplicas: z.int32().optional(),
  mode: z.enum(["Stable", "Panic"]).optional(),
  lastScaleTime: z.string().optional(),
});

export const AutoscalingPolicyStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  conditions: z.array(ConditionSchema).optional(),
  homogeneousStatus: RoleScalingStatusSchema.partial().optional(),
  heterogeneousStatus: z.array(RoleScalingStatusSchema).optional(),
  disaggregatedStatus: z
    .strictObject({
      roles: z.array(RoleScalingStatusSchema).optional(),
      ratioStatus: z.string().optional().describe("Current numerator/denominator ratio."),
      ratioAdjusted: z.boolean().optional(),
    })
    .optional(),
});

export const AutoscalingPolicyResource = defineResource({
  apiVersion: WORKLOAD_API_VERSION,
  kind: "AutoscalingPolicy",
  plural: "autoscalingpolicies",
  description: "Scales ModelServings (or their roles) from engine or Prometheus metrics.",
  spec: AutoscalingPolicySpecSchema,
  status: AutoscalingPolicyStatusSchema,
  crd: {
    printerColumns: [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }],
  },
});
export const AutoscalingPolicySchema = AutoscalingPolicyResource.schema;
export type AutoscalingPolicy = z.output<typeof AutoscalingPolicySchema>;
