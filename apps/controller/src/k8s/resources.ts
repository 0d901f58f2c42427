// REST paths of the kinds the controller touches. A static table keeps the request path free of
// discovery round-trips; the apiserver still rejects anything that does not exist.
import {
  NETWORKING_API_VERSION,
  VOLCANO_SCHEDULING_API_VERSION,
  WORKLOAD_API_VERSION,
} from "@tessera/shared";

export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const TYPES: ResourceType[] = [
  { apiVersion: "v1", kind: "Pod", plural: "pods", namespaced: true },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { apiVersion: "v1", kind: "Node", plural: "nodes", namespaced: false },
  {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    plural: "controllerrevisions",
    namespaced: true,
  },
  { apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases", namespaced: true },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
  },
  {
    apiVersion: VOLCANO_SCHEDULING_API_VERSION,
    kind: "PodGroup",
    plural: "podgroups",
    namespaced: true,
  },
  {
    apiVersion: "topology.volcano.sh/v1alpha1",
    kind: "HyperNode",
    plural: "hypernodes",
    namespaced: false,
  },
  {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelServing",
    plural: "modelservings",
    namespaced: true,
  },
  {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "AutoscalingPolicy",
    plural: "autoscalingpolicies",
    namespaced: true,
  },
  {
    apiVersion: WORKLOAD_API_VERSION,
    kind: "ModelBooster",
    plural: "modelboosters",
    namespaced: true,
  },
  {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelServer",
    plural: "modelservers",
    namespaced: true,
  },
  {
    apiVersion: NETWORKING_API_VERSION,
    kind: "ModelRoute",
    plural: "modelroutes",
    namespaced: true,
  },
];

export function resourceType(kind: string): ResourceType {
  const t = TYPES.find((x) => x.kind === kind);
  if (!t) throw new Error(`unknown kind ${kind}`);
  return t;
}

/** Collection path (`name` omitted) or object path of a kind, optionally in a namespace. */
export function resourcePath(kind: string, namespace?: string, name?: string): string {
  const t = resourceType(kind);
  const base = t.apiVersion.includes("/") ? `/apis/${t.apiVersion}` : `/api/${t.apiVersion}`;
  const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${t.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
}
