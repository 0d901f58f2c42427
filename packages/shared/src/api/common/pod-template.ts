// Pod-level Kubernetes types embedded in Tessera objects. Kubernetes validates PodSpecs when pods are
// created, so we only check what Kthena's webhook checks up front (containers exist, names, images)
// and keep every other field as-is (`x-kubernetes-preserve-unknown-fields` in the CRD).
import { z } from "zod";
import { freeFormObject, looseObject } from "./k8s-extensions.ts";
import { DNS1123_LABEL } from "./names.ts";
import { TemplateMetadataSchema } from "./object-meta.ts";
import { quantity } from "./quantity.ts";

export const ContainerSchema = looseObject({
  name: z.string().max(63).regex(DNS1123_LABEL, { error: "must be a DNS-1123 label" }),
  image: z.string().min(1).regex(/^\S+$/, { error: "must not contain whitespace" }),
});

export const PodSpecSchema = looseObject({
  // May be empty in a template that is never instantiated (Kthena's own examples carry
  // `workerTemplate: {spec: {containers: []}}` with workerReplicas 0); roles check the used ones.
  containers: z.array(ContainerSchema),
  initContainers: z.array(ContainerSchema).optional(),
}).describe("A Kubernetes PodSpec.");

export const PodTemplateSchema = z.strictObject({
  metadata: TemplateMetadataSchema.optional(),
  spec: PodSpecSchema,
});
export type PodTemplate = z.output<typeof PodTemplateSchema>;

export const ResourceListSchema = z.record(z.string(), quantity());

export const ResourceRequirementsSchema = z.strictObject({
  limits: ResourceListSchema.optional(),
  requests: ResourceListSchema.optional(),
  claims: z.array(z.strictObject({ name: z.string(), request: z.string().optional() })).optional(),
});

export const EnvVarSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: freeFormObject().optional(),
});

const LocalRefSchema = z.strictObject({
  name: z.string().optional(),
  optional: z.boolean().optional(),
});
export const EnvFromSourceSchema = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: LocalRefSchema.optional(),
  secretRef: LocalRefSchema.optional(),
});
