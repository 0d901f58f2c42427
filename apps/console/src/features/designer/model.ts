// The topology designer's state: a ModelServing with prefill and decode roles (entry + workers,
// TP/PP, GPUs per pod), gang policy and network tier, and whether the ModelServer and ModelRoute
// that put it behind the router are generated. The objects themselves come from @tessera/shared's
// design renderer (preview.ts), the same one the API deploys saved designs with; this file keeps
// the form's state and the advice only the designer gives.
import { ENGINE_DEFAULTS } from "@tessera/shared/design/index";
import type { DesignSpec } from "@tessera/shared/design/index";

export { ENGINE_DEFAULTS };

export type Engine = DesignSpec["engine"];

export type RoleKind = DesignSpec["roles"][number]["kind"];

export interface RoleDesign {
  name: string;
  /** prefill / decode (paired by the router) or mixed; undefined: from the name (roleKind). */
  kind?: RoleKind;
  replicas: number;
  workerReplicas: number;
  tensorParallel: number;
  pipelineParallel: number;
  gpusPerPod: number;
  /** Relaxed gang: role replicas that must be scheduled together (undefined: the form's 1). */
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
  /** none: the default scheduler, no Volcano PodGroup (and so no network topology either). */
  gang: DesignSpec["gang"];
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

/** A role's kind: as chosen, else what its name says ("prefill…", "decode…", anything else mixed). */
export const roleKind = (r: Pick<RoleDesign, "name" | "kind">): RoleKind =>
  r.kind ??
  (r.name.startsWith("prefill") ? "prefill" : r.name.startsWith("decode") ? "decode" : "mixed");

export interface DesignMessage {
  level: "error" | "warning";
  where: string;
  message: string;
}

/** Advice on the design's shape that the spec schema does not enforce (the API accepts these). */
export function designChecks(d: Design): DesignMessage[] {
  const out: DesignMessage[] = [];
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
  return out;
}

export const gpusPerGroup = (d: Design) =>
  d.roles.reduce((s, r) => s + r.replicas * (1 + r.workerReplicas) * r.gpusPerPod, 0);
