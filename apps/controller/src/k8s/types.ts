// The slice of Kubernetes object shapes the controller reads, as raw JSON (timestamps are RFC 3339
// strings). Informers and the apply client both move plain JSON, so no Date/model conversion happens
// anywhere; Tessera's own kinds come typed from @tessera/shared.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    terminated?: { finishedAt?: string; exitCode?: number };
    running?: { startedAt?: string };
  };
  lastState?: { terminated?: { finishedAt?: string } };
}

export interface PodObject extends KubeObject {
  spec?: Record<string, unknown>;
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface ServiceObject extends KubeObject {
  spec?: Record<string, unknown>;
}

export interface PodGroupObject extends KubeObject {
  spec?: Record<string, unknown>;
  status?: { phase?: string; running?: number };
}

export interface ControllerRevisionObject extends KubeObject {
  data?: unknown;
  revision?: number;
}

export function isTerminating(o: KubeObject): boolean {
  return o.metadata?.deletionTimestamp !== undefined && o.metadata.deletionTimestamp !== null;
}

export function nameOf(o: KubeObject): string {
  return o.metadata?.name ?? "";
}

export function labelsOf(o: KubeObject): Record<string, string> {
  return o.metadata?.labels ?? {};
}
