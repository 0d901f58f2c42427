// Fake GPU nodes (managed by kwok): realistic labels, `nvidia.com/gpu` capacity, a loopback podCIDR.
import type { V1Node } from "@kubernetes/client-node";
import { KUBERNETES_VERSION } from "./binaries/versions.ts";
import { nodeIp, nodePodCidr } from "./net.ts";
import type { TopologyPlan } from "./topology.ts";

export interface NodeShape {
  gpus: number;
  gpuProduct: string;
  cpu: string;
  memory: string;
}

export const DEFAULT_SHAPE: NodeShape = {
  gpus: 8,
  gpuProduct: "NVIDIA-H100-80GB-HBM3",
  cpu: "96",
  memory: "1024Gi",
};

/** Label carrying the name of a node's HyperNode at each tier: tessera.io/hypernode-tier-<n>. */
export function tierLabel(tier: number): string {
  return `tessera.io/hypernode-tier-${tier}`;
}

export function nodeObjects(plan: TopologyPlan, clusterIndex: number, shape: NodeShape): V1Node[] {
  return plan.nodes.map((n, i) => {
    const labels: Record<string, string> = {
      "kubernetes.io/hostname": n.name,
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "node.kubernetes.io/instance-type": shape.gpus > 0 ? `gpu-${shape.gpus}x` : "cpu",
      "topology.kubernetes.io/region": "local",
      "topology.kubernetes.io/zone": "local-a",
      type: "kwok",
    };
    if (shape.gpus > 0) {
      Object.assign(labels, {
        "nvidia.com/gpu.present": "true",
        "nvidia.com/gpu.product": shape.gpuProduct,
        "nvidia.com/gpu.count": String(shape.gpus),
        "nvidia.com/gpu.memory": "81559",
        "nvidia.com/cuda.driver.major": "550",
      });
    }
    n.hyperNodes.forEach((hn, t) => {
      labels[tierLabel(t + 1)] = hn;
      const tierName = plan.tierNames[t];
      if (tierName) labels[`tessera.io/${tierName}`] = hn;
    });
    const resources: Record<string, string> = {
      cpu: shape.cpu,
      memory: shape.memory,
      pods: "110",
      "ephemeral-storage": "1Ti",
    };
    if (shape.gpus > 0) resources["nvidia.com/gpu"] = String(shape.gpus);
    const podCidr = nodePodCidr(clusterIndex, i);
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: n.name,
        labels,
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      },
      spec: { podCIDR: podCidr, podCIDRs: [podCidr] },
      status: {
        capacity: resources,
        allocatable: resources,
        addresses: [
          { type: "InternalIP", address: nodeIp(clusterIndex, i) },
          { type: "Hostname", address: n.name },
        ],
        nodeInfo: {
          architecture: "amd64",
          operatingSystem: "linux",
          kubeletVersion: `${KUBERNETES_VERSION}-kwok`,
          kubeProxyVersion: "",
          containerRuntimeVersion: "kwok",
          kernelVersion: "",
          osImage: "kwok",
          machineID: "",
          systemUUID: "",
          bootID: "",
        },
      },
    };
  });
}
