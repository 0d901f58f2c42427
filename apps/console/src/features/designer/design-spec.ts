// The designer's state ↔ the API's saved design spec (`topologies.save` / `topologies.get`). A save
// keeps everything the designer shows: pod labels, a worker count per role (sent only when it differs
// from the TP×PP ÷ GPUs per pod the API derives) and routing off. Values equal to the API's defaults
// are left out so an unchanged design saves the same spec as before those fields existed (the API
// then reports "no change" instead of a new version). The spec also holds fields the designer does
// not edit (modelUri, autoscaling, gang "none", a role kind its name does not imply): `fromSpec`
// carries the first two through a load-then-save and notes the others on load.
import type { DesignSpec } from "~/lib/api-types";
import type { Design, RoleDesign } from "./model";

/** Fields of a loaded spec the designer does not edit but a save sends back unchanged. */
export type CarriedFields = Pick<DesignSpec, "modelUri" | "autoscaling">;

const kindOf = (name: string): DesignSpec["roles"][number]["kind"] =>
  name.startsWith("prefill") ? "prefill" : name.startsWith("decode") ? "decode" : "mixed";

/** Workers per role replica as the API derives them (entry pod + workers = TP×PP ÷ GPUs per pod). */
export const derivedWorkers = (
  r: Pick<RoleDesign, "tensorParallel" | "pipelineParallel" | "gpusPerPod">,
) =>
  r.gpusPerPod === 0 ? 0 : Math.max(1, (r.tensorParallel * r.pipelineParallel) / r.gpusPerPod) - 1;

/** The gang minimum the designer renders for a relaxed role (`buildManifests`). */
const gangMin = (r: RoleDesign) => Math.min(r.minReplicas ?? 1, r.replicas);

export function toSpec(d: Design, carried: CarriedFields = {}): DesignSpec {
  const policy = (tier: number | undefined) =>
    tier === undefined ? undefined : { mode: d.topologyMode, highestTierAllowed: tier };
  const group = policy(d.groupTier);
  const role = policy(d.roleTier);
  return {
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
      ...(r.workerReplicas !== derivedWorkers(r) ? { workerReplicas: r.workerReplicas } : {}),
      // Relaxed: the minimum the designer shows and renders (the API's own default is all replicas).
      ...(d.gang === "relaxed" ? { minReplicas: gangMin(r) } : {}),
    })),
    ...(group || role
      ? { networkTopology: { ...(group ? { group } : {}), ...(role ? { role } : {}) } }
      : {}),
    ...(Object.keys(d.podLabels).length ? { podLabels: { ...d.podLabels } } : {}),
    ...(d.routing ? {} : { routing: false }),
    ...(carried.modelUri !== undefined ? { modelUri: carried.modelUri } : {}),
    ...(carried.autoscaling !== undefined ? { autoscaling: carried.autoscaling } : {}),
  };
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
  for (const r of spec.roles)
    if (r.kind !== kindOf(r.name))
      notes.push(
        `role ${r.name} is ${r.kind} in the saved design; the designer takes the kind from the name (${kindOf(r.name)})`,
      );
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
        workerReplicas: r.workerReplicas ?? derivedWorkers(shape),
        ...shape,
        // A relaxed spec without a minimum renders all replicas; show that, not the form's 1.
        ...(r.minReplicas !== undefined
          ? { minReplicas: r.minReplicas }
          : spec.gang === "relaxed"
            ? { minReplicas: r.replicas }
            : {}),
      };
    }),
    gang: spec.gang === "relaxed" ? "relaxed" : "strict",
    ...(nt?.group ? { groupTier: nt.group.highestTierAllowed } : {}),
    ...(nt?.role ? { roleTier: nt.role.highestTierAllowed } : {}),
    topologyMode: nt?.group?.mode ?? nt?.role?.mode ?? "hard",
    routing: spec.routing ?? true,
    podLabels: { ...spec.podLabels },
  };
  const carried: CarriedFields = {
    ...(spec.modelUri !== undefined ? { modelUri: spec.modelUri } : {}),
    ...(spec.autoscaling !== undefined ? { autoscaling: spec.autoscaling } : {}),
  };
  return { design, carried, notes };
}
