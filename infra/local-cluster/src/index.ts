// Programmatic API (the CLI, the Vitest global setup and the demo use the same functions).
export { ensureBinaries, binaryPath } from "./binaries/build.ts";
export { FAMILIES } from "./binaries/versions.ts";
export { up } from "./cluster/up.ts";
export type { UpOptions, UpResult } from "./cluster/up.ts";
export { down, downAll } from "./cluster/down.ts";
export { listClusters } from "./cluster/list.ts";
export { readState } from "./cluster/state.ts";
export type { ClusterState } from "./cluster/state.ts";
export { loadKubeConfig } from "./kube.ts";
export {
  defaultEngineCommand,
  engineTarget,
  MODEL_ANNOTATION,
  PORT_ANNOTATION,
} from "./pod-engines.ts";
export type { PodEnginesOptions } from "./pod-engines.ts";
export { parseTopology, planTopology, readTopology } from "./topology.ts";
export type { Topology } from "./topology.ts";
