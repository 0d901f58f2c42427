export { clusterKubeConfig, clusterKubeconfigPath, clusterState } from "./kubeconfig.ts";
export { resolveRequest, testClusterName } from "./requests.ts";
export type { ClusterRequest } from "./requests.ts";
export { createSimModel } from "./sim-model.ts";
