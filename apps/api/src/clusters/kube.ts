// What the API reads from and writes to one cluster, over @kubernetes/client-node 2.x.
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  VersionApi,
} from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject, V1Node, V1Pod } from "@kubernetes/client-node";
import { kubeStatusCode } from "./errors.ts";

export const FIELD_MANAGER = "tessera-api";
export const GPU_RESOURCE = "nvidia.com/gpu";
/** Services of Tessera routers carry this label; the API lists them as the cluster's endpoints. */
export const ROUTER_SERVICE_LABEL = "tessera.io/component=router";
/**
 * A router Service may name the router's admin listener (`/debug/*`) directly, e.g.
 * `http://127.0.0.2:9090`: the way to register a router that runs outside the cluster (the
 * apiserver's service proxy refuses loopback and other non-pod addresses).
 */
export const ROUTER_ADMIN_URL_ANNOTATION = "tessera.io/admin-url";

export async function serverVersion(kc: KubeConfig): Promise<string> {
  const v = await kc.makeApiClient(VersionApi).getCode();
  return v.gitVersion;
}

const quantityInt = (q: string | undefined): number => {
  if (!q) return 0;
  const n = Number.parseInt(q, 10);
  return Number.isFinite(n) ? n : 0;
};

function podGpus(pod: V1Pod): number {
  const containers = pod.spec?.containers ?? [];
  const sum = containers.reduce(
    (acc, c) =>
      acc +
      quantityInt(c.resources?.requests?.[GPU_RESOURCE] ?? c.resources?.limits?.[GPU_RESOURCE]),
    0,
  );
  const init = Math.max(
    0,
    ...(pod.spec?.initContainers ?? []).map((c) =>
      quantityInt(c.resources?.requests?.[GPU_RESOURCE] ?? c.resources?.limits?.[GPU_RESOURCE]),
    ),
  );
  return Math.max(sum, init);
}

export interface NodeInventory {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  allocatableGpus: number;
  usedGpus: number;
  freeGpus: number;
  gpuProduct: string | null;
}

export interface Inventory {
  nodes: NodeInventory[];
  gpus: { allocatable: number; used: number; free: number };
  hyperNodes: { name: string; tier: number; members: unknown[]; labels: Record<string, string> }[];
  queues: {
    name: string;
    state: string | null;
    weight: number | null;
    capability: Record<string, string> | null;
  }[];
  /** Kinds that could not be read (e.g. Volcano not installed), with the reason. */
  missing: { kind: string; reason: string }[];
}

function nodeReady(n: V1Node): boolean {
  return (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

async function optionalList<T>(
  kind: string,
  missing: Inventory["missing"],
  fn: () => Promise<T[]>,
): Promise<T[]> {
  try {
    return await fn();
  } catch (e) {
    const code = kubeStatusCode(e);
    if (code === 404) {
      missing.push({ kind, reason: "API not installed" });
      return [];
    }
    throw e;
  }
}

export async function readInventory(kc: KubeConfig): Promise<Inventory> {
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const missing: Inventory["missing"] = [];
  const [nodes, pods, hyperNodes, queues] = await Promise.all([
    core.listNode(),
    core.listPodForAllNamespaces({ fieldSelector: "status.phase!=Succeeded,status.phase!=Failed" }),
    optionalList("HyperNode", missing, async () => {
      const r = (await custom.listClusterCustomObject({
        group: "topology.volcano.sh",
        version: "v1alpha1",
        plural: "hypernodes",
      })) as {
        items: {
          metadata: { name: string; labels?: Record<string, string> };
          spec: { tier: number; members?: unknown[] };
        }[];
      };
      return r.items;
    }),
    optionalList("Queue", missing, async () => {
      const r = (await custom.listClusterCustomObject({
        group: "scheduling.volcano.sh",
        version: "v1beta1",
        plural: "queues",
      })) as {
        items: {
          metadata: { name: string };
          spec?: { weight?: number; capability?: Record<string, string> };
          status?: { state?: string };
        }[];
      };
      return r.items;
    }),
  ]);
  const used = new Map<string, number>();
  for (const p of pods.items) {
    const node = p.spec?.nodeName;
    if (node) used.set(node, (used.get(node) ?? 0) + podGpus(p));
  }
  const nodeInv = nodes.items.map((n): NodeInventory => {
    const name = n.metadata?.name ?? "";
    const allocatable = quantityInt(n.status?.allocatable?.[GPU_RESOURCE]);
    const u = used.get(name) ?? 0;
    return {
      name,
      labels: n.metadata?.labels ?? {},
      ready: nodeReady(n),
      unschedulable: n.spec?.unschedulable ?? false,
      allocatableGpus: allocatable,
      usedGpus: u,
      freeGpus: Math.max(0, allocatable - u),
      gpuProduct: n.metadata?.labels?.["nvidia.com/gpu.product"] ?? null,
    };
  });
  const sum = (f: (n: NodeInventory) => number) => nodeInv.reduce((a, n) => a + f(n), 0);
  return {
    nodes: nodeInv,
    gpus: {
      allocatable: sum((n) => n.allocatableGpus),
      used: sum((n) => n.usedGpus),
      free: sum((n) => n.freeGpus),
    },
    hyperNodes: hyperNodes
      .map((h) => ({
        name: h.metadata.name,
        tier: h.spec.tier,
        members: h.spec.members ?? [],
        labels: h.metadata.labels ?? {},
      }))
      .sort((a, b) => b.tier - a.tier || a.name.localeCompare(b.name)),
    queues: queues.map((q) => ({
      name: q.metadata.name,
      state: q.status?.state ?? null,
      weight: q.spec?.weight ?? null,
      capability: q.spec?.capability ?? null,
    })),
    missing,
  };
}

export async function listRouterEndpoints(kc: KubeConfig) {
  const core = kc.makeApiClient(CoreV1Api);
  const services = await core.listServiceForAllNamespaces({ labelSelector: ROUTER_SERVICE_LABEL });
  return services.items.map((s) => ({
    namespace: s.metadata?.namespace ?? "",
    name: s.metadata?.name ?? "",
    type: s.spec?.type ?? "ClusterIP",
    clusterIP: s.spec?.clusterIP ?? null,
    ports: (s.spec?.ports ?? []).map((p) => ({
      name: p.name ?? null,
      port: p.port,
      nodePort: p.nodePort ?? null,
    })),
    external: (s.status?.loadBalancer?.ingress ?? [])
      .map((i) => i.ip ?? i.hostname ?? "")
      .filter(Boolean),
    adminUrl: s.metadata?.annotations?.[ROUTER_ADMIN_URL_ANNOTATION] ?? null,
    /** Port serving /debug/*: the one named "metrics" (the chart's admin listener), else the first. */
    adminPort:
      (s.spec?.ports ?? []).find((p) => p.name === "metrics" || p.name === "admin")?.port ??
      s.spec?.ports?.[0]?.port ??
      null,
  }));
}
export type RouterService = Awaited<ReturnType<typeof listRouterEndpoints>>[number];

export function objectApi(kc: KubeConfig): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(kc);
}

/** Server-side apply as `tessera-api`; `force` takes over fields owned by other managers. */
export async function applyObject(
  kc: KubeConfig,
  obj: KubernetesObject,
  force: boolean,
): Promise<KubernetesObject> {
  return objectApi(kc).patch(
    obj,
    undefined,
    undefined,
    FIELD_MANAGER,
    force,
    PatchStrategy.ServerSideApply,
  );
}

export async function readObject(
  kc: KubeConfig,
  ref: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string | undefined };
  },
): Promise<KubernetesObject | null> {
  try {
    return await objectApi(kc).read(ref);
  } catch (e) {
    if (kubeStatusCode(e) === 404) return null;
    throw e;
  }
}

export async function deleteObject(kc: KubeConfig, ref: KubernetesObject): Promise<boolean> {
  try {
    await objectApi(kc).delete(ref, undefined, undefined, undefined, undefined, "Background");
    return true;
  } catch (e) {
    if (kubeStatusCode(e) === 404) return false;
    throw e;
  }
}

export async function listEvents(kc: KubeConfig, namespace: string, name: string, kind: string) {
  const core = kc.makeApiClient(CoreV1Api);
  const r = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.name=${name},involvedObject.kind=${kind}`,
  });
  return r.items
    .map((e) => ({
      type: e.type ?? null,
      reason: e.reason ?? null,
      message: e.message ?? null,
      count: e.count ?? 1,
      lastSeen: e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? null,
    }))
    .slice(-50);
}

export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  await applyObject(kc, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, true);
}
