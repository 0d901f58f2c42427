// Topology designs (xPyD): the saved spec's schema and the one renderer to Kthena objects, shared by
// the API and the console designer.
export {
  DesignRoleSchema,
  DesignSpecSchema,
  TopologyPolicySchema,
  derivedWorkerReplicas,
  podsPerReplica,
} from "./spec.ts";
export type { DesignRole, DesignSpec, DesignSpecInput } from "./spec.ts";
export { PD_ROLE_LABEL, labelKeyProblem, labelValueProblem } from "./labels.ts";
export { ENGINE_DEFAULTS, manifestIssues, renderAndValidate, renderDesign } from "./render.ts";
export type { DesignManifest, RenderedObjectIssue } from "./render.ts";
export { designYaml } from "./yaml.ts";
export { multiNodeArgv, RAY_HEAD_PORT, SGLANG_DIST_PORT } from "./multi-node.ts";
export type { EngineArgv, MultiNodeEngine } from "./multi-node.ts";
export { checkDesignSpec } from "./check.ts";
export type { DesignSpecIssue } from "./check.ts";
