import { WORKLOAD_API_VERSION } from "@tessera/shared";
import type { OwnerReference } from "../../k8s/types.ts";

export interface Owner {
  name: string;
  namespace: string;
  uid: string;
}

export function controllerRef(
  owner: Owner,
  kind = "ModelServing",
  apiVersion: string = WORKLOAD_API_VERSION,
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
