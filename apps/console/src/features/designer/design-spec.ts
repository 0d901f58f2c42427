// The designer's state ↔ the API's saved design spec (`topologies.save` / `topologies.get`). The
// two differ: the API derives workers per replica from TP×PP ÷ GPUs per pod and always renders a
// ModelServer and ModelRoute, and it has no pod labels; it knows fields the designer does not edit
// (modelUri, autoscaling, gang "none"). `toSpec` lists what a save would not keep, so the page can
// say so before saving instead of dropping it silently; `fromSpec` keeps the fields the designer
// does not edit so a load-then-save round trip does not lose them.
import type { DesignSpec } from "~/lib/api-types";
import type { Design, RoleDesign } from "./model";

/** Fields of a loaded spec the designer does not edit but a save sends back unchanged. */
export type CarriedFields = Pick<DesignSpec, "modelUri" | "autoscaling">;

const kindOf = (name: string): DesignSpec["roles"][number]["kind"] =>
  name.startsWith("prefill") ? "prefill" : name.startsWith("decode") ? "decode" : "mixed";

/** Workers per role replica as the API renders them (entry pod + workers = TP×PP ÷ GPUs per pod). */
export const derivedWorkers = (
  r: Pick<RoleDesign, "tensorParallel" | "pipelineParallel" | "gpusPerPod">,
) =>
  r.gpusPerPod === 0 ? 0 : Math.max(1, (r.tensorParallel * r.pipelineParallel) / r.gpusPerPod) - 1;

export function toSpec(
  d: Design,
  carried: CarriedFields = {},
): { spec: DesignSpec; notKept: string[] } {
  const policy = (tier: number | undefined) =>
    tier === undefined ? undefined : { mode: d.topologyMode, highestTierAllowed: tier };
  const group = policy(d.groupTier);
  const role = policy(d.roleTier);
  const notKept: string[] = [];
  for (const r of d.roles) {
    const derived = derivedWorkers(r);
    if (r.workerReplicas !== derived)
      notKept.push(
        `role ${r.name}: ${r.workerReplicas} workers per replica (the API derives ${derived} from TP×PP ÷ GPUs per pod)`,
      );
  }
  if (!d.routing) notKept.push("no ModelServer/ModelRoute (the API always renders them)");
  for (const [k, v] of Object.entries(d.podLabels)) notKept.push(`pod label ${k}=${v}`);
  const spec: DesignSpec = {
    name: d.name,
    namespace: d.namespace,
    model: d.model,
    engine: d.engine,
    image: d.image,
    servingGroups: d.servingGroups,
    gang: d.gang,
    roles: d.roles.map((r) => ({
      name: r.name,
      kind: kindOf(r.name),
      replicas: r.replicas,
      tensorParallel: r.tensorParallel,
      pipelineParallel: r.pipelineParallel,
      gpusPerPod: r.gpusPerPod,
      ...(d.gang === "relaxed" && r.minReplicas !== undefined
        ? { minReplicas: r.minReplicas }
        : {}),
    })),
    ...(group || role
      ? { networkTopology: { ...(group ? { group } : {}), ...(role ? { role } : {}) } }
      : {}),
    ...(carried.modelUri !== undefined ? { modelUri: carried.modelUri } : {}),
    ...(carried.autoscaling !== undefined ? { autoscaling: carried.autoscaling } : {}),
  };
  return { spec, notKept };
}

export function fromSpec(
  spec: DesignSpec,
  fallbackImage: string,
): { design: Design; carried: CarriedFields; notes: string[] } {
  const notes: string[] = [];
  const nt = spec.networkTopology;
  if (nt?.group && nt.role && nt.group.mode !== nt.role.mode)
    notes.push(`group and role topology modes differ; the designer uses ${nt.group.mode} for both`);
  if (spec.gang === "none")
    notes.push('gang "none" is shown as strict (the designer has no gang-less mode)');
  const design: Design = {
    name: spec.name,
    namespace: spec.namespace ?? "default",
    model: spec.model,
    engine: spec.engine,
    image: spec.image ?? fallbackImage,
    servingGroups: spec.servingGroups ?? 1,
    roles: spec.roles.map((r) => {
      const shape = {
        tensorParallel: r.tensorParallel ?? 1,
        pipelineParallel: r.pipelineParallel ?? 1,
        gpusPerPod: r.gpusPerPod ?? 1,
      };
      return {
        name: r.name,
        replicas: r.replicas,
        workerReplicas: derivedWorkers(shape),
        ...shape,
        ...(r.minReplicas !== undefined ? { minReplicas: r.minReplicas } : {}),
      };
    }),
    gang: spec.gang === "relaxed" ? "relaxed" : "strict",
    ...(nt?.group ? { groupTier: nt.group.highestTierAllowed } : {}),
    ...(nt?.role ? { roleTier: nt.role.highestTierAllowed } : {}),
    topologyMode: nt?.group?.mode ?? nt?.role?.mode ?? "hard",
    routing: true,
    podLabels: {},
  };
  const carried: CarriedFields = {
    ...(spec.modelUri !== undefined ? { modelUri: spec.modelUri } : {}),
    ...(spec.autoscaling !== undefined ? { autoscaling: spec.autoscaling } : {}),
  };
  return { design, carried, notes };
}
