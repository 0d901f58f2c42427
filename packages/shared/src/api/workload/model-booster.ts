// ModelBooster (workload.serving.volcano.sh/v1alpha1): the one-stop API that expands into a
// ModelServing, a ModelServer and a ModelRoute (reference §2.6).
import { z } from "zod";
import { ConditionSchema } from "../common/condition.ts";
import { freeFormObject } from "../common/k8s-extensions.ts";
import {
  EnvFromSourceSchema,
  EnvVarSchema,
  ResourceRequirementsSchema,
} from "../common/pod-template.ts";
import { WORKLOAD_API_VERSION } from "../groups.ts";
import { ModelMatchSchema } from "../networking/string-match.ts";
import { defineResource } from "../resource.ts";

// Kthena's CRD enum is vLLM | vLLMDisaggregated; its Go types also define SGLang (first-class SGLang
// boosters were proposed in kthena#1017/#1058). Tessera's controller converts all three.
export const BackendTypeSchema = z.enum(["vLLM", "vLLMDisaggregated", "SGLang"]);
export const WorkerTypeSchema = z.enum([
  "server",
  "prefill",
  "decode",
  "controller",
  "coordinator",
]);

// RE2-compatible patterns, also emitted into the CRD.
const MODEL_URI = /^((hf|ms|s3|obs):\/\/.+|pvc:\/\/\/?.+)$/;
const CACHE_URI = /^((pvc|hostpath):\/\/.+)?$/;

export const BoosterWorkerSchema = z.strictObject({
  type: WorkerTypeSchema,
  image: z.string().min(1).optional(),
  replicas: z.int32().min(0).optional(),
  pods: z.int32().min(1).optional().describe("Pods per replica (multi-node engines)."),
  resources: ResourceRequirementsSchema.optional(),
  affinity: freeFormObject("A Kubernetes Affinity.").optional(),
  tolerations: z.array(freeFormObject()).optional(),
  config: freeFormObject("Engine arguments, e.g. {max-model-len: 2048}.").optional(),
});

export const BoosterBackendSchema = z.strictObject({
  name: z.string().min(1).max(63),
  type: BackendTypeSchema,
  modelURI: z
    .string()
    .regex(MODEL_URI, { error: "must start with hf://, ms://, s3://, obs:// or pvc://" })
    .describe("Where the model comes from: hf://, ms://, s3://, obs:// or pvc:///CLAIM/PATH."),
  cacheURI: z
    .string()
    .regex(CACHE_URI, { error: "must be empty or start with pvc:// or hostpath://" })
    .optional()
    .describe("pvc://CLAIM or hostpath://PATH; empty means an emptyDir."),
  env: z.array(EnvVarSchema).optional(),
  envFrom: z.array(EnvFromSourceSchema).optional(),
  replicas: z.int32().min(0).optional(),
  schedulerName: z.string().optional(),
  runtimeClassName: z.string().optional(),
  workers: z.array(BoosterWorkerSchema).min(1).max(1000),
});

export const ModelBoosterSpecSchema = z.strictObject({
  name: z.string().max(64).optional(),
  owner: z.string().optional(),
  modelMatch: ModelMatchSchema.optional(),
  backend: BoosterBackendSchema,
});
export type ModelBoosterSpec = z.output<typeof ModelBoosterSpecSchema>;

export const ModelBoosterStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  conditions: z.array(ConditionSchema).optional(),
});

export const ModelBoosterResource = defineResource({
  apiVersion: WORKLOAD_API_VERSION,
  kind: "ModelBooster",
  plural: "modelboosters",
  description:
    "Deploys a model end to end: generates its ModelServing, ModelServer and ModelRoute.",
  spec: ModelBoosterSpecSchema,
  status: ModelBoosterStatusSchema,
  crd: {
    printerColumns: [
      { name: "Backend", type: "string", jsonPath: ".spec.backend.type" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
  },
});
export const ModelBoosterSchema = ModelBoosterResource.schema;
export type ModelBooster = z.output<typeof ModelBoosterSchema>;
