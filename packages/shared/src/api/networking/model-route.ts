// ModelRoute (networking.serving.volcano.sh/v1alpha1): maps the `model` of an OpenAI request (or a
// LoRA adapter name) to ModelServers, with ordered rules, weighted targets and token rate limits
// (reference §2.3).
import { z } from "zod";
import { withRules } from "../common/rules.ts";
import { NETWORKING_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";
import { ModelMatchSchema } from "./string-match.ts";

export const MAX_LORA_ADAPTERS = 10;
export const MAX_RULES = 16;
export const MAX_TARGETS = 16;

export const TargetModelSchema = withRules(
  z.strictObject({
    modelServerName: z.string().min(1).optional(),
    externalModelProviderName: z.string().min(1).optional(),
    weight: z
      .int32()
      .min(0)
      .max(100)
      .optional()
      .describe("Relative weight; when no target of a rule has one, targets are equally likely."),
  }),
  [
    {
      cel: "has(self.modelServerName) != has(self.externalModelProviderName)",
      message: "exactly one of modelServerName or externalModelProviderName must be set",
      test: (t) =>
        (t.modelServerName === undefined) !== (t.externalModelProviderName === undefined),
    },
  ],
);
export type TargetModel = z.output<typeof TargetModelSchema>;

export const RouteRuleSchema = withRules(
  z.strictObject({
    name: z.string().optional(),
    modelMatch: ModelMatchSchema.optional(),
    targetModels: z.array(TargetModelSchema).min(1).max(MAX_TARGETS),
  }),
  [
    {
      // A rule mixing weighted and unweighted targets is skipped by Kthena's router; reject it up front.
      field: "targetModels",
      cel: "self.targetModels.all(t, has(t.weight)) || self.targetModels.all(t, !has(t.weight))",
      message: "either every target has a weight or none has",
      test: (r) =>
        r.targetModels.every((t) => t.weight !== undefined) ||
        r.targetModels.every((t) => t.weight === undefined),
    },
  ],
);
export type RouteRule = z.output<typeof RouteRuleSchema>;

export const RateLimitUnitSchema = z.enum(["second", "minute", "hour", "day", "month"]);

export const RateLimitSchema = z.strictObject({
  inputTokensPerUnit: z.int32().min(1).optional(),
  outputTokensPerUnit: z.int32().min(1).optional(),
  unit: RateLimitUnitSchema.default("second"),
  global: z
    .strictObject({ redis: z.strictObject({ address: z.string().min(1) }) })
    .optional()
    .describe("Share the limit across router replicas through Redis."),
});
export type RateLimit = z.output<typeof RateLimitSchema>;

/** Gateway API ParentReference. */
export const ParentReferenceSchema = z.strictObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().min(1),
  sectionName: z.string().optional(),
  port: z.int32().min(1).max(65535).optional(),
});

export const ModelRouteSpecSchema = withRules(
  z.strictObject({
    modelName: z.string().optional().describe("Request `model` this route serves; immutable."),
    loraAdapters: z.array(z.string().min(1)).max(MAX_LORA_ADAPTERS).optional(),
    parentRefs: z.array(ParentReferenceSchema).optional(),
    rules: z.array(RouteRuleSchema).max(MAX_RULES).optional().describe("First matching rule wins."),
    rateLimit: RateLimitSchema.optional(),
  }),
  [
    {
      field: "modelName",
      cel: "(has(self.modelName) && self.modelName != '') || (has(self.loraAdapters) && size(self.loraAdapters) > 0)",
      message: "modelName and loraAdapters must not both be empty",
      test: (s) => (s.modelName ?? "") !== "" || (s.loraAdapters ?? []).length > 0,
    },
    {
      field: "modelName",
      cel: "(has(self.modelName) ? self.modelName : '') == (has(oldSelf.modelName) ? oldSelf.modelName : '')",
      message: "modelName is immutable",
    },
  ],
);
export type ModelRouteSpec = z.output<typeof ModelRouteSpecSchema>;

export const ModelRouteResource = defineResource({
  apiVersion: NETWORKING_API_VERSION,
  kind: "ModelRoute",
  plural: "modelroutes",
  description: "Routes requests for a model name or LoRA adapter to ModelServers.",
  spec: ModelRouteSpecSchema,
  status: z.strictObject({}),
  crd: {
    printerColumns: [
      { name: "Model", type: "string", jsonPath: ".spec.modelName" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  },
});
export const ModelRouteSchema = ModelRouteResource.schema;
export type ModelRoute = z.output<typeof ModelRouteSchema>;
