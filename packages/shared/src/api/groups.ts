// API groups and versions, spelled exactly as Kthena does so existing manifests apply unchanged.

export const WORKLOAD_GROUP = "workload.serving.volcano.sh";
export const NETWORKING_GROUP = "networking.serving.volcano.sh";
export const KTHENA_VERSION = "v1alpha1";
export const WORKLOAD_API_VERSION = `${WORKLOAD_GROUP}/${KTHENA_VERSION}` as const;
export const NETWORKING_API_VERSION = `${NETWORKING_GROUP}/${KTHENA_VERSION}` as const;

// Volcano's own APIs, which Tessera consumes but does not install.
export const VOLCANO_SCHEDULING_GROUP = "scheduling.volcano.sh";
export const VOLCANO_SCHEDULING_API_VERSION = `${VOLCANO_SCHEDULING_GROUP}/v1beta1` as const;
export const VOLCANO_TOPOLOGY_GROUP = "topology.volcano.sh";
export const VOLCANO_TOPOLOGY_API_VERSION = `${VOLCANO_TOPOLOGY_GROUP}/v1alpha1` as const;
