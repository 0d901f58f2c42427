// Listing Kubernetes objects of an allow-listed kind for the console (pods in the topology picture,
// ModelServings, routes, PodGroups, HyperNodes, events…). Raw JSON over the apiserver, so CRD fields
// arrive exactly as stored; managedFields are dropped (large, and of no use to a viewer).
import type { KubeConfig } from "@kubernetes/client-node";
import { isStatus, kubeRequest } from "@tessera/helm/kube";

export interface ResourceKind {
  apiVersion: string;
  plural: string;
  namespaced: boolean;
}

/** The kinds `resources.list` serves. Anything else (Secrets, ConfigMaps…) is not readable through it. */
export const RESOURCE_KINDS = {
  Pod: { apiVersion: "v1", plural: "pods", namespaced: true },
  Node: { apiVersion: "v1", plural: "nodes", namespaced: false },
  Event: { apiVersion: "v1", plural: "events", namespaced: true },
  Deployment: { apiVersion: "apps/v1", plural: "deployments", namespaced: true },
  ModelServing: {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    plural: "modelservings",
    namespaced: true,
  },
  ModelBooster: {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    plural: "modelboosters",
    namespaced: true,
  },
  AutoscalingPolicy: {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    plural: "autoscalingpolicies",
    namespaced: true,
  },
  AutoscalingPolicyBinding: {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    plural: "autoscalingpolicybindings",
    namespaced: true,
  },
  ModelServer: {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    plural: "modelservers",
    namespaced: true,
  },
  ModelRoute: {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    plural: "modelroutes",
    namespaced: true,
  },
  PodGroup: { apiVersion: "scheduling.volcano.sh/v1beta1", plural: "podgroups", namespaced: true },
  HyperNode: {
    apiVersion: "topology.volcano.sh/v1alpha1",
    plural: "hypernodes",
    namespaced: false,
  },
} as const satisfies Record<string, ResourceKind>;

export type ResourceKindName = keyof typeof RESOURCE_KINDS;
export const RESOURCE_KIND_NAMES = Object.keys(RESOURCE_KINDS) as [
  ResourceKindName,
  ...ResourceKindName[],
];

export interface KubeResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }[];
    creationTimestamp?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  /** Fields some kinds carry at the top level instead of spec/status (Event: reason, message…). */
  [field: string]: unknown;
}

export interface ResourceList {
  kind: ResourceKindName;
  /**
   * False when the cluster does not serve this kind (its CRD is not installed, e.g. Volcano or
   * Kthena missing); `items` is then empty and `reason` says so. Not an error: the console shows
   * "not installed" instead of failing the page.
   */
  served: boolean;
  reason?: string;
  items: KubeResource[];
}

export function collectionPath(k: ResourceKind, namespace: string | undefined): string {
  const base = k.apiVersion.includes("/") ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`;
  const ns = k.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${k.plural}`;
}

/** Lists one kind (all namespaces unless `namespace`); an unserved kind is `served: false`. */
export async function listResources(
  kc: KubeConfig,
  kind: ResourceKindName,
  o: {
    namespace?: string | undefined;
    labelSelector?: string | undefined;
    signal?: AbortSignal | undefined;
  } = {},
): Promise<ResourceList> {
  const k = RESOURCE_KINDS[kind];
  let list: { items?: KubeResource[] };
  try {
    list = await kubeRequest<{ items?: KubeResource[] }>(
      kc,
      "GET",
      collectionPath(k, o.namespace),
      {
        query: o.labelSelector ? { labelSelector: o.labelSelector } : {},
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
  } catch (e) {
    // A collection that does not exist is a kind the cluster does not serve (listing a namespace
    // that does not exist answers an empty list, not 404).
    if (isStatus(e, 404))
      return {
        kind,
        served: false,
        reason: `${kind} (${k.apiVersion}) is not served by this cluster`,
        items: [],
      };
    throw e;
  }
  const items = (list.items ?? []).map((item) => {
    const { managedFields: _dropped, ...metadata } = item.metadata as KubeResource["metadata"] & {
      managedFields?: unknown;
    };
    // Items of a list carry no apiVersion/kind of their own.
    return { ...item, apiVersion: k.apiVersion, kind, metadata };
  });
  return { kind, served: true, items };
}
