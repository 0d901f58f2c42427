// Kubernetes objects read live from one cluster through the API's `resources.list` (headlamp-style
// resource classes: one line per kind; pages call `useList(Pods, clusters)`).
import { defineResource, type ResourceClass } from "./resources";
import type { RouterInputs, RouterOutputs } from "./api-types";

export interface KubeObject<S = Record<string, unknown>, St = Record<string, unknown>> {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    generation?: number;
  };
  spec?: S;
  status?: St;
}

type ListInput = RouterInputs["resources"]["list"];
type ListOutput = RouterOutputs["resources"]["list"];
export type KubeKind = ListInput["kind"];

function kubeResource<T extends KubeObject<unknown, unknown>>(
  kind: KubeKind,
  extra: Omit<ListInput, "clusterId" | "kind"> = {},
): ResourceClass<T, ListOutput> {
  return defineResource<T, ListOutput>({
    kind,
    query: (trpc, c) => trpc.resources.list.queryOptions({ clusterId: c.id, kind, ...extra }),
    select: (raw) => {
      // A kind the cluster does not serve (CRD not installed) is said, not shown as an empty list.
      if (!raw.served) throw new Error(raw.reason ?? `${kind} is not served by this cluster`);
      // The objects arrive as the apiserver stores them; the console reads the fields it draws.
      return raw.items as unknown as T[];
    },
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
