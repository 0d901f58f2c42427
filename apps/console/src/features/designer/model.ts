// The topology designer's state and the Kthena objects it generates: a ModelServing with prefill and
// decode roles (entry + workers, TP/PP, GPUs per pod), gang policy and network tier, plus the
// ModelServer (PD-grouped) and ModelRoute that put it behind the router. Pure, so the YAML,
// validation and placement preview update on every keystroke in the browser.
import { stringify } from "yaml";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";
import { LABEL_GROUP_NAME, LABEL_ROLE } from "@tessera/shared/api/labels";

export type Engine = "vLLM" | "SGLang";

export interface RoleDesign {
  name: string;
  replicas: number;
  workerReplicas: number;
  tensorParallel: number;
  pipelineParallel: number;
  gpusPerPod: number;
  /** Relaxed gang: role replicas that must be scheduled together (undefined: all). */
  minReplicas?: number;
}

export interface Design {
  name: string;
  namespace: string;
  model: string;
  engine: Engine;
  image: string;
  /** ServingGroups (ModelServing spec.replicas). */
  servingGroups: number;
  roles: RoleDesign[];
  gang: "strict" | "relaxed";
  /** Highest HyperNode tier one ServingGroup may span (undefined: no limit). */
  groupTier?: number;
  /** Highest tier one role replica (entry + workers) may span. */
  roleTier?: number;
  topologyMode: "hard" | "soft";
  /** Also generate a ModelServer and a ModelRoute for the router. */
  routing: boolean;
  /** Extra pod labels (e.g. tessera.io/engine=sim for simulated engines on a local cluster). */
  podLabels: Record<string, string>;
}

export const ENGINE_DEFAULTS: Record<Engine, { image: string; port: number }> = {
  vLLM: { image: "vllm/vllm-openai:latest", port: 8000 },
  SGLang: { image: "lmsysorg/sglang:latest", port: 30000 },
};

export const MODELS = [
  "Qwen/Qwen3-8B",
  "Qwen/Qwen3-32B",
  "meta-llama/Llama-3.1-70B-Instruct",
  "deepseek-ai/DeepSeek-V3",
  "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
] as const;

export function defaultDesign(): Design {
  return {
    name: "qwen3-pd",
    namespace: "default",
    model: "Qwen/Qwen3-8B",
    engine: "vLLM",
    image: ENGINE_DEFAULTS.vLLM.image,
    servingGroups: 1,
    roles: [
      {
        name: "prefill",
        replicas: 1,
        workerReplicas: 0,
        tensorParallel: 2,
        pipelineParallel: 1,
        gpusPerPod: 2,
      },
      {
        name: "decode",
        replicas: 2,
        workerReplicas: 1,
        tensorParallel: 2,
        pipelineParallel: 2,
        gpusPerPod: 2,
      },
    ],
    gang: "strict",
    groupTier: 2,
    roleTier: 1,
    topologyMode: "hard",
    routing: true,
    podLabels: {},
  };
}

// A type alias (not an interface) so it is assignable to the API's `Record<string, unknown>` input.
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
};

function container(d: Design, r: RoleDesign, entry: boolean) {
  const port = ENGINE_DEFAULTS[d.engine].port;
  const args =
    d.engine === "vLLM"
      ? [
          "--model",
          d.model,
          "--port",
          String(port),
          "--tensor-parallel-size",
          String(r.tensorParallel),
          "--pipeline-parallel-size",
          String(r.pipelineParallel),
        ]
      : [
          "--model-path",
          d.model,
          "--port",
          String(port),
          "--tp",
          String(r.tensorParallel),
          "--pp",
          String(r.pipelineParallel),
        ];
  if (r.name === "prefill" || r.name === "decode")
    args.push(d.engine === "vLLM" ? "--kv-transfer-role" : "--disaggregation-mode", r.name);
  return {
    name: entry ? "engine" : "worker",
    image: d.image,
    args,
    ...(entry ? { ports: [{ name: "http", containerPort: port }] } : {}),
    resources: {
      requests: { "nvidia.com/gpu": String(r.gpusPerPod) },
      limits: { "nvidia.com/gpu": String(r.gpusPerPod) },
    },
  };
}

export function buildManifests(d: Design): Manifest[] {
  const labels = { app: d.name, ...d.podLabels };
  const policy = (tier: number | undefined) =>
    tier === undefined ? undefined : { mode: d.topologyMode, highestTierAllowed: tier };
  const groupPolicy = policy(d.groupTier);
  const rolePolicy = policy(d.roleTier);
  const minRoleReplicas =
    d.gang === "relaxed"
      ? Object.fromEntries(d.roles.map((r) => [r.name, Math.min(r.minReplicas ?? 1, r.replicas)]))
      : undefined;
  const serving: Manifest = {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name: d.name, namespace: d.namespace },
    spec: {
      schedulerName: "volcano",
      replicas: d.servingGroups,
      template: {
        ...(minRoleReplicas ? { gangPolicy: { minRoleReplicas } } : {}),
        ...(groupPolicy || rolePolicy
          ? {
              networkTopology: {
                ...(groupPolicy ? { groupPolicy } : {}),
                ...(rolePolicy ? { rolePolicy } : {}),
              },
            }
          : {}),
        roles: d.roles.map((r) => ({
          name: r.name,
          replicas: r.replicas,
          entryTemplate: { metadata: { labels }, spec: { containers: [container(d, r, true)] } },
          workerReplicas: r.workerReplicas,
          ...(r.workerReplicas > 0
            ? {
                workerTemplate: {
                  metadata: { labels },
                  spec: { containers: [container(d, r, false)] },
                },
              }
            : {}),
        })),
      },
    },
  };
  if (!d.routing) return [serving];
  const names = d.roles.map((r) => r.name);
  const pd = names.includes("prefill") && names.includes("decode");
  const server: Manifest = {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelServer",
    metadata: { name: d.name, namespace: d.namespace },
    spec: {
      model: d.model,
      inferenceEngine: d.engine,
      workloadSelector: {
        matchLabels: { app: d.name },
        ...(pd
          ? {
              pdGroup: {
                groupKey: LABEL_GROUP_NAME,
                prefillLabels: { [LABEL_ROLE]: "prefill" },
                decodeLabels: { [LABEL_ROLE]: "decode" },
              },
            }
          : {}),
      },
      workloadPort: { port: ENGINE_DEFAULTS[d.engine].port },
      ...(pd ? { kvConnector: { type: d.engine === "vLLM" ? "nixl" : "mooncake" } } : {}),
    },
  };
  const route: Manifest = {
    apiVersion: "networking.serving.volcano.sh/v1alpha1",
    kind: "ModelRoute",
    metadata: { name: d.name, namespace: d.namespace },
    spec: {
      modelName: d.model,
      rules: [{ name: "default", targetModels: [{ modelServerName: d.name }] }],
    },
  };
  return [serving, server, route];
}

export function toYaml(manifests: readonly Manifest[]): string {
  return manifests
    .map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
}

export interface DesignMessage {
  level: "error" | "warning";
  where: string;
  message: string;
}

/** Schema validation (the same zod schemas the API and CRDs use) plus design-level checks. */
export function validateDesign(d: Design, manifests: readonly Manifest[]): DesignMessage[] {
  const out: DesignMessage[] = [];
  for (const m of manifests) {
    const r = validateManifest(m);
    if ("skipped" in r) continue;
    if (!r.ok)
      for (const i of r.issues)
        out.push({ level: "error", where: `${m.kind} ${i.path}`, message: i.message });
  }
  if (d.roles.length === 0)
    out.push({ level: "error", where: "roles", message: "add at least one role" });
  for (const r of d.roles) {
    const pods = 1 + r.workerReplicas;
    const shards = r.tensorParallel * r.pipelineParallel;
    if (r.gpusPerPod * pods !== shards)
      out.push({
        level: "warning",
        where: `role ${r.name}`,
        message: `TP×PP = ${shards} GPUs but ${pods} pod${pods > 1 ? "s" : ""} × ${r.gpusPerPod} GPUs = ${r.gpusPerPod * pods}`,
      });
    if (r.tensorParallel > r.gpusPerPod && r.workerReplicas > 0 && r.pipelineParallel === 1)
      out.push({
        level: "warning",
        where: `role ${r.name}`,
        message:
          "tensor parallelism across pods crosses the network on every layer; prefer PP across pods",
      });
  }
  if (d.groupTier !== undefined && d.roleTier !== undefined && d.roleTier > d.groupTier)
    out.push({
      level: "error",
      where: "network tier",
      message: "a role replica cannot span a higher tier than its ServingGroup",
    });
  const names = d.roles.map((r) => r.name);
  if (names.includes("prefill") !== names.includes("decode"))
    out.push({
      level: "warning",
      where: "roles",
      message: "xPyD needs both a prefill and a decode role for PD routing",
    });
  return out;
}

export const gpusPerGroup = (d: Design) =>
  d.roles.reduce((s, r) => s + r.replicas * (1 + r.workerReplicas) * r.gpusPerPod, 0);
