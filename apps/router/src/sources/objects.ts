// The objects the router consumes. ModelRoute and ModelServer come from @tessera/shared (the one
// source of truth for the Kthena-compatible kinds); Pod is the core Kubernetes object, of which the
// router reads only labels, annotations, phase, readiness, deletion, start time and the pod IP.
import type { ModelRoute, ModelServer } from "@tessera/shared";
import type { ApiKeyObject, TenantObject } from "@tessera/shared/api/tessera/index";

export type { ApiKeyObject, ModelRoute, ModelServer, TenantObject };

export interface PodMeta {
  name?: string | undefined;
  namespace?: string | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  deletionTimestamp?: string | Date | null | undefined;
}

export interface Pod {
  apiVersion?: string | undefined;
  kind?: string | undefined;
  metadata: PodMeta;
  status?:
    | {
        phase?: string | undefined;
        podIP?: string | undefined;
        startTime?: string | Date | null | undefined;
        conditions?: { type: string; status: string }[] | undefined;
      }
    | undefined;
}

/** A consistent view of the cluster (or of a file-mode snapshot). */
export interface ObjectSnapshot {
  readonly modelRoutes: readonly ModelRoute[];
  readonly modelServers: readonly ModelServer[];
  readonly pods: readonly Pod[];
  /** Tessera tenancy objects (tessera.io/v1alpha1); absent = tenancy objects not watched. */
  readonly tenants?: readonly TenantObject[];
  readonly apiKeys?: readonly ApiKeyObject[];
}

export function isPodReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const st = pod.status;
  if (st?.phase !== "Running" || !st.podIP) return false;
  return st.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
