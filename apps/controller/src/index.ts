// Public surface of @tessera/controller for other workspaces (e.g. a console preview of what a
// ModelServing will create): the pure planner and builders, no runtime.
export {
  planModelServing,
  rolloutParams,
  ANNOTATION_GROUP_STATUS,
  ANNOTATION_MAX_SURGE,
} from "./modelserving/plan/index.ts";
export type {
  Plan,
  PlanInput,
  DeleteAction,
  EventRecord,
  GroupStatusEntry,
} from "./modelserving/plan/index.ts";
export { templateRevision, roleTemplateHash } from "./modelserving/hash.ts";
export {
  desiredPod,
  desiredHeadlessService,
  desiredRoleReplicaPods,
} from "./modelserving/desired/pods.ts";
export { desiredPodGroup, minMember, minResources } from "./modelserving/desired/podgroup.ts";
export type { PodGroupMode } from "./modelserving/desired/podgroup.ts";
export { computeStatus } from "./modelserving/status.ts";
export { validateModelServing } from "./modelserving/validate.ts";
export { convertModelBooster } from "./modelbooster/convert.ts";
export { Manager } from "./manager.ts";
export type { ManagerOptions } from "./manager.ts";
