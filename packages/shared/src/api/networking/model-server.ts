// ModelServer (networking.serving.volcano.sh/v1alpha1): a set of engine pods serving one model, how
// to reach them, and how to pair prefill and decode pods (reference §2.4).
import { z } from "zod";
import { duration } from "../common/duration.ts";
import { StringMapSchema } from "../common/object-meta.ts";
import { NETWORKING_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";

export const InferenceEngineSchema = z.enum(["vLLM", "SGLang"]);
export const KvConnectorTypeSchema = z.enum(["http", "lmcache", "nixl", "mooncake"]);

/** Pods with equal values of label `groupKey` form one PD group; decode labels are checked first. */
export const PdGroupSchema = z.strictObject({
  groupKey: z.string().min(1),
  prefillLabels: StringMapSchema.refine((m) => Object.keys(m).length > 0, "must not be empty").meta(
    { minProperties: 1 },
  ),
  decodeLabels: StringMapSchema.refine((m) => Object.keys(m).length > 0, "must not be empty").meta({
    minProperties: 1,
  }),
});

export const WorkloadSelectorSchema = z.strictObject({
  matchLabels: StringMapSchema.optional().describe(
    "Pods in the ModelServer's namespace carrying all these labels.",
  ),
  pdGroup: PdGroupSchema.optional(),
});

export const WorkloadPortSchema = z.strictObject({
  port: z.int32().min(1).max(65535),
  protocol: z.enum(["http", "https"]).default("http"),
});

export const TrafficPolicySchema = z.strictObject({
  timeout: duration("Bound on connect, upload and response-header wait.").optional(),
  retry: z
    .strictObject({
      attempts: z.int32().min(0).optional(),
      retryInterval: duration().default("100ms"),
    })
    .optional(),
});

export const ModelServerSpecSchema = z.strictObject({
  model: z
    .string()
    .max(256)
    .optional()
    .describe("Served model name; requests are rewritten to it (not LoRA ones)."),
  inferenceEngine: InferenceEngineSchema,
  workloadSelector: WorkloadSelectorSchema,
  workloadPort: WorkloadPortSchema.optional().describe(
    "Defaults to the engine's port (vLLM 8000, SGLang 30000).",
  ),
  trafficPolicy: TrafficPolicySchema.optional(),
  kvConnector: z.strictObject({ type: KvConnectorTypeSchema.default("http") }).optional(),
});
export type ModelServerSpec = z.output<typeof ModelServerSpecSchema>;

export const ModelServerResource = defineResource({
  apiVersion: NETWORKING_API_VERSION,
  kind: "ModelServer",
  plural: "modelservers",
  description: "A group of inference-engine pods serving one model.",
  spec: ModelServerSpecSchema,
  status: z.strictObject({}),
  crd: {
    printerColumns: [
      { name: "Engine", type: "string", jsonPath: ".spec.inferenceEngine" },
      { name: "Model", type: "string", jsonPath: ".spec.model" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  },
});
export const ModelServerSchema = ModelServerResource.schema;
export type ModelServer = z.output<typeof ModelServerSchema>;
