// Kubernetes objects read live from one cluster through the API (headlamp-style resource classes).
// Expected API procedure: `resources.list {clusterId, kind, namespace?, labelSelector?}` → objects.
import { defineResource, type ResourceClass } from "./resources";

export interface KubeObject<S = Record<string, unknown>, St = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    generation?: number;
  };
  spec?: S;
  status?: St;
}

export const RESOURCES_PROCEDURE = "resources.list";

function kubeResource<T extends KubeObject<unknown, unknown>>(
  kind: string,
  extra: { labelSelector?: string } = {},
): ResourceClass<T, T[] | { items: T[] }> {
  return defineResource<T, T[] | { items: T[] }>({
    kind,
    procedure: RESOURCES_PROCEDURE,
    input: (c) => ({ clusterId: c.id, kind, ...extra }),
    select: (raw) => (Array.isArray(raw) ? raw : raw.items),
  });
}

export interface PodSpecLite {
  nodeName?: string;
  containers?: {
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  }[];
}

export const Pods = kubeResource<KubeObject<PodSpecLite, { phase?: string; podIP?: string }>>(
  "Pod",
  { labelSelector: "modelserving.volcano.sh/name" },
);
export const ModelServings = kubeResource<KubeObject>("ModelServing");
export const ModelRoutes = kubeResource<KubeObject>("ModelRoute");
export const ModelServers = kubeResource<KubeObject>("ModelServer");
export const AutoscalingPolicies = kubeResource<KubeObject>("AutoscalingPolicy");
