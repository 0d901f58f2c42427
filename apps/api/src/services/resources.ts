// Reading allow-listed Kubernetes objects of one cluster for the console.
import { listResources } from "../clusters/resources.ts";
import type { ResourceKindName, ResourceList } from "../clusters/resources.ts";
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { ClustersService } from "./clusters.ts";

export function resourcesService(deps: {
  registry: ClusterRegistry;
  clusters: ClustersService;
  timeoutMs: number;
}) {
  const { registry, clusters, timeoutMs } = deps;
  return {
    async list(input: {
      clusterId: string;
      kind: ResourceKindName;
      namespace?: string | undefined;
      labelSelector?: string | undefined;
    }): Promise<ResourceList> {
      await clusters.get(input.clusterId);
      // Pods and events of a busy cluster are large lists: a longer deadline than a single read.
      return registry.call(
        input.clusterId,
        `list ${input.kind}`,
        (kc, _h, signal) => listResources(kc, input.kind, { ...input, signal }),
        timeoutMs * 3,
      );
    },
  };
}
export type ResourcesService = ReturnType<typeof resourcesService>;
