// metav1.ObjectMeta as users write it in manifests. Strict, so a typo such as `metdata.lables` is
// reported the way `kubectl --validate=strict` would. In CRDs the root `metadata` stays a bare
// `type: object` because the apiserver validates it itself.
import { z } from "zod";
import { freeFormObject } from "./k8s-extensions.ts";
import { NAME_MAX } from "./names.ts";

export const StringMapSchema = z.record(z.string(), z.string());

export const OwnerReferenceSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

export const ObjectMetaSchema = z.strictObject({
  name: z.string().min(1).max(NAME_MAX).optional(),
  generateName: z.string().max(NAME_MAX).optional(),
  namespace: z.string().max(63).optional(),
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().nullable().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.int().optional(),
  ownerReferences: z.array(OwnerReferenceSchema).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(freeFormObject()).optional(),
  selfLink: z.string().optional(),
});
export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

/** The metadata a pod template may carry (Kthena keeps only labels and annotations). */
export const TemplateMetadataSchema = z.strictObject({
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
});
