// Every kind Tessera knows, keyed by API group and kind. `crdResources` are the ones whose CRDs
// Tessera ships; Volcano's kinds are validated but installed by Volcano itself.
import { ModelRouteResource } from "./networking/model-route.ts";
import { ModelServerResource } from "./networking/model-server.ts";
import { ApiKeyResource } from "./tessera/api-key.ts";
import { TenantResource } from "./tessera/tenant.ts";
import { HyperNodeResource } from "./volcano/hyper-node.ts";
import { PodGroupResource } from "./volcano/pod-group.ts";
import { AutoscalingPolicyResource } from "./workload/autoscaling-policy.ts";
import { ModelBoosterResource } from "./workload/model-booster.ts";
import { ModelServingResource } from "./workload/model-serving.ts";

export const crdResources = [
  ModelServingResource,
  ModelBoosterResource,
  AutoscalingPolicyResource,
  ModelRouteResource,
  ModelServerResource,
  TenantResource,
  ApiKeyResource,
] as const;

export const allResources = [...crdResources, PodGroupResource, HyperNodeResource] as const;

export type KnownResource = (typeof allResources)[number];

/** Finds the resource for a group and kind (the version is checked separately, for a clearer error). */
export function findResource(group: string, kind: string): KnownResource | undefined {
  return allResources.find((r) => r.group === group && r.kind === kind);
}

/** API groups Tessera owns or validates; documents of other groups are skipped. */
export const knownGroups: ReadonlySet<string> = new Set(allResources.map((r) => r.group));
