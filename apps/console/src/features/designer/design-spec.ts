// The designer's state ↔ the saved design spec (`topologies.save` / `topologies.get`), which is also
// what the designer renders its YAML from (preview.ts). A save keeps everything the designer shows:
// pod labels, a worker count per role (sent only when it differs from the TP×PP ÷ GPUs per pod the
// spec derives) and routing off. Values equal to the spec's defaults are left out so an unchanged
// design saves the same spec as before those fields existed (the API then reports "no change"
// instead of a new version). The spec also holds fields the designer does not edit (modelUri,
// autoscaling): `fromSpec` carries them through a load-then-save (and the preview renders them).
import { derivedWorkerReplicas } from "@tessera/shared/design/index";
import type { DesignSpec } from "@tessera/shared/design/index";
import { roleKind } from "./model";
import type { Design, RoleDesign } from "./model";

/** Fields of a loaded spec the designer does not edit but a save sends back unchanged. */
export type CarriedFields = Pick<DesignSpec, "modelUri" | "autoscaling">;

/** The gang minimum of a relaxed role: as typed, else the 1 the form shows (0 for a role with no
 * replicas). A typed minimum above the replicas is sent as is: the schema names the field. */
const gangMin = (r: RoleDesign) => r.minReplicas ?? Math.min(1, r.replicas);

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
      kind: roleKind(r),
      replicas: r.replicas,
      tensorParallel: r.tensorParallel,
      pipelineParallel: r.pipelineParallel,
      gpusPerPod: r.gpusPerPod,
      ...(r.workerReplicas !== derivedWorkerReplicas(r)
        ? { workerReplicas: r.workerReplicas }
        : {}),
      // Relaxed: the minimum the form shows (the spec's own default is all replicas).
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
  const design: Design = {
    name: spec.name,
    namespace: spec.namespace,
    model: spec.model,
    engine: spec.engine,
    image: spec.image ?? fallbackImage,
    servingGroups: spec.servingGroups,
    roles: spec.roles.map((r) => {
      const shape = {
        tensorParallel: r.tensorParallel,
        pipelineParallel: r.pipelineParallel,
        gpusPerPod: r.gpusPerPod,
      };
      return {
        name: r.name,
        // Kept only where the name does not say it, so a design round-trips unchanged.
        ...(r.kind !== roleKind({ name: r.name }) ? { kind: r.kind } : {}),
        replicas: r.replicas,
        workerReplicas: r.workerReplicas ?? derivedWorkerReplicas(shape),
        ...shape,
        // A relaxed spec without a minimum renders all replicas; show that, not the form's 1.
        ...(r.minReplicas !== undefined
          ? { minReplicas: r.minReplicas }
          : spec.gang === "relaxed"
            ? { minReplicas: r.replicas }
            : {}),
      };
    }),
    gang: spec.gang,
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
