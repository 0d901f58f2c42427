// Reads a ModelServing's ServingGroup template into the placement input: roles × replicas ×
// (entry + workers) pods, GPU/CPU/memory per pod from container resources, the gang policy and the
// network topology policies. Also converts Volcano HyperNode objects.
import type { ModelServing } from "../api/workload/model-serving.ts";
import type { HyperNode } from "../api/volcano/hyper-node.ts";
import { quantityToNumber, type Quantity } from "../api/common/quantity.ts";
import { placeGroups } from "./place.ts";
import type {
  Cluster,
  GroupPlacement,
  GroupTemplate,
  HyperNodeInput,
  PlacementOptions,
  PodRequest,
  TopologyPolicy,
} from "./types.ts";

export const DEFAULT_GPU_RESOURCES = ["nvidia.com/gpu"] as const;

export interface ReadOptions {
  /** Extended resource names counted as GPUs (default nvidia.com/gpu). */
  gpuResourceNames?: readonly string[];
  /** HyperNode tierName → tier, for policies that use highestTierName. */
  tierNames?: Readonly<Record<string, number>>;
}

type ResourceList = Readonly<Record<string, Quantity>>;

function asRecord(x: unknown): Record<string, unknown> | undefined {
  return typeof x === "object" && x !== null ? (x as Record<string, unknown>) : undefined;
}

function containerRequest(c: unknown, gpuNames: readonly string[]): PodRequest {
  const res = asRecord(asRecord(c)?.["resources"]);
  const requests = asRecord(res?.["requests"]) as ResourceList | undefined;
  const limits = asRecord(res?.["limits"]) as ResourceList | undefined;
  // Kubernetes defaults a missing request to the limit (extended resources must have them equal).
  const get = (name: string): number | undefined => {
    const q = requests?.[name] ?? limits?.[name];
    return q === undefined ? undefined : quantityToNumber(q);
  };
  let gpus = 0;
  for (const n of gpuNames) gpus += get(n) ?? 0;
  const cpu = get("cpu");
  const mem = get("memory");
  return {
    gpus,
    ...(cpu !== undefined ? { cpuMilli: Math.round(cpu * 1000) } : {}),
    ...(mem !== undefined ? { memoryBytes: mem } : {}),
  };
}

/** Effective pod request: max(Σ app containers, largest init container) per resource. */
export function podRequestOf(spec: unknown, options: ReadOptions = {}): PodRequest {
  const gpuNames = options.gpuResourceNames ?? DEFAULT_GPU_RESOURCES;
  const s = asRecord(spec);
  const containers = Array.isArray(s?.["containers"]) ? (s["containers"] as unknown[]) : [];
  const inits = Array.isArray(s?.["initContainers"]) ? (s["initContainers"] as unknown[]) : [];
  const sum: { gpus: number; cpuMilli?: number; memoryBytes?: number } = { gpus: 0 };
  for (const c of containers) {
    const r = containerRequest(c, gpuNames);
    sum.gpus += r.gpus;
    if (r.cpuMilli !== undefined) sum.cpuMilli = (sum.cpuMilli ?? 0) + r.cpuMilli;
    if (r.memoryBytes !== undefined) sum.memoryBytes = (sum.memoryBytes ?? 0) + r.memoryBytes;
  }
  for (const c of inits) {
    const r = containerRequest(c, gpuNames);
    sum.gpus = Math.max(sum.gpus, r.gpus);
    if (r.cpuMilli !== undefined) sum.cpuMilli = Math.max(sum.cpuMilli ?? 0, r.cpuMilli);
    if (r.memoryBytes !== undefined)
      sum.memoryBytes = Math.max(sum.memoryBytes ?? 0, r.memoryBytes);
  }
  return sum;
}

function policy(
  p: { mode?: "hard" | "soft"; highestTierAllowed?: number; highestTierName?: string } | undefined,
  options: ReadOptions,
): TopologyPolicy | undefined {
  if (!p) return undefined;
  const tier =
    p.highestTierAllowed ??
    (p.highestTierName !== undefined ? options.tierNames?.[p.highestTierName] : undefined);
  return { mode: p.mode ?? "hard", ...(tier !== undefined ? { highestTierAllowed: tier } : {}) };
}

export type ModelServingLike = {
  metadata?: { name?: string };
  spec: Pick<ModelServing["spec"], "replicas" | "template">;
};

export function groupTemplateFromModelServing(
  ms: ModelServingLike,
  options: ReadOptions = {},
): GroupTemplate {
  const t = ms.spec.template;
  const groupPolicy = policy(t.networkTopology?.groupPolicy, options);
  const rolePolicy = policy(t.networkTopology?.rolePolicy, options);
  return {
    roles: t.roles.map((r) => ({
      name: r.name,
      replicas: r.replicas ?? 1,
      workerReplicas: r.workerReplicas,
      entry: podRequestOf(r.entryTemplate.spec, options),
      worker: r.workerTemplate ? podRequestOf(r.workerTemplate.spec, options) : { gpus: 0 },
    })),
    ...(t.gangPolicy?.minRoleReplicas ? { minRoleReplicas: t.gangPolicy.minRoleReplicas } : {}),
    ...(groupPolicy ? { groupPolicy } : {}),
    ...(rolePolicy ? { rolePolicy } : {}),
  };
}

/** Where each of the ModelServing's `spec.replicas` ServingGroups would land (`<name>-<i>`). */
export function previewModelServing(
  cluster: Cluster,
  ms: ModelServingLike,
  options: ReadOptions & PlacementOptions = {},
): GroupPlacement[] {
  const template = groupTemplateFromModelServing(ms, options);
  const name = ms.metadata?.name ?? "modelserving";
  const replicas = ms.spec.replicas ?? 1;
  return placeGroups(
    cluster,
    Array.from({ length: replicas }, (_, i) => ({ name: `${name}-${i}`, template })),
    options,
  );
}

export function hyperNodesFromObjects(
  objects: readonly Pick<HyperNode, "metadata" | "spec">[],
): HyperNodeInput[] {
  return objects.map((h) => ({
    name: h.metadata.name ?? "",
    tier: h.spec.tier,
    ...(h.metadata.labels ? { labels: h.metadata.labels } : {}),
    members: (h.spec.members ?? []).map((m) => ({
      type: m.type,
      selector: {
        ...(m.selector.exactMatch ? { exactMatch: m.selector.exactMatch } : {}),
        ...(m.selector.regexMatch ? { regexMatch: m.selector.regexMatch } : {}),
        ...(m.selector.labelMatch ? { labelMatch: m.selector.labelMatch } : {}),
      },
    })),
  }));
}
