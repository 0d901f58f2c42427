// Public surface of @tessera/shared: Kthena-compatible API objects (zod schemas, inferred types,
// constants), manifest validation and CRD generation.
export * from "./api/groups.ts";
export * from "./api/labels.ts";
export { withRules, celValidationsOf } from "./api/common/rules.ts";
export type { Rule, RuleViolation, CelValidation } from "./api/common/rules.ts";
export { ObjectMetaSchema, TemplateMetadataSchema } from "./api/common/object-meta.ts";
export type { ObjectMeta } from "./api/common/object-meta.ts";
export {
  intOrPercent,
  isZeroIntOrPercent,
  resolveIntOrPercent,
} from "./api/common/int-or-string.ts";
export type { IntOrPercent } from "./api/common/int-or-string.ts";
export { quantity, quantityToNumber } from "./api/common/quantity.ts";
export type { Quantity } from "./api/common/quantity.ts";
export { duration, durationToMs } from "./api/common/duration.ts";
export { LabelSelectorSchema } from "./api/common/label-selector.ts";
export type { LabelSelector } from "./api/common/label-selector.ts";
export { ConditionSchema } from "./api/common/condition.ts";
export type { Condition } from "./api/common/condition.ts";
export { PodTemplateSchema, PodSpecSchema, ContainerSchema } from "./api/common/pod-template.ts";
export type { PodTemplate } from "./api/common/pod-template.ts";

export * from "./api/workload/model-serving.ts";
export * from "./api/workload/model-booster.ts";
export * from "./api/workload/autoscaling-policy.ts";
export * from "./api/networking/string-match.ts";
export * from "./api/networking/model-route.ts";
export * from "./api/networking/model-server.ts";
export * from "./api/volcano/network-topology.ts";
export * from "./api/volcano/pod-group.ts";
export * from "./api/volcano/hyper-node.ts";
export { allResources, crdResources, findResource } from "./api/registry.ts";
export type { KnownResource } from "./api/registry.ts";
export type { ResourceDefinition, PrinterColumn, ScaleSubresource } from "./api/resource.ts";

export { validateManifest } from "./validate/validate-manifest.ts";
export type {
  ManifestResult,
  ValidManifest,
  InvalidManifest,
  SkippedManifest,
  ManifestIssue,
} from "./validate/validate-manifest.ts";

export {
  validateYamlText,
  formatProblems,
  formatSkipped,
  objectLabel,
} from "./validate/validate-yaml.ts";
export type { DocumentReport } from "./validate/validate-yaml.ts";
export { generateCrd, generateAllCrds } from "./crd/generate-crd.ts";
export * from "./design/index.ts";
