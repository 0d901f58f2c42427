// Which PodGroup schema the cluster has: Volcano ≥ 1.13 has subGroupPolicy (role-level gangs and
// topology), older ones only minTaskMember, and clusters without Volcano have no PodGroup at all.
import type { PodGroupMode } from "../modelserving/desired/podgroup.ts";
import type { KubeClient } from "./client.ts";
import { isNotFound } from "./client.ts";
import type { KubeObject } from "./types.ts";

interface CrdVersion {
  name: string;
  schema?: {
    openAPIV3Schema?: { properties?: { spec?: { properties?: Record<string, unknown> } } };
  };
}

export function podGroupModeFromCrd(
  crd: { spec?: { versions?: CrdVersion[] } } | undefined,
): PodGroupMode {
  if (!crd) return "none";
  const v = crd.spec?.versions?.find((x) => x.name === "v1beta1");
  if (!v) return "none";
  const props = v.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {};
  return "subGroupPolicy" in props ? "subGroupPolicy" : "minTaskMember";
}

export async function detectPodGroupMode(client: KubeClient): Promise<PodGroupMode> {
  try {
    const crd = await client.get<KubeObject & { spec?: { versions?: CrdVersion[] } }>(
      "CustomResourceDefinition",
      undefined,
      "podgroups.scheduling.volcano.sh",
    );
    return podGroupModeFromCrd(crd);
  } catch (e) {
    if (isNotFound(e)) return "none";
    throw e;
  }
}
