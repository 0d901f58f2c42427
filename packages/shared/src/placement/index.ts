// Placement preview / feasibility: where ServingGroups would land under gang and HyperNode
// network-topology constraints, or why they cannot. Pure and deterministic (see README.md).
export * from "./types.ts";
export { Topology, matchesLabels, type Domain } from "./topology.ts";
export {
  Placer,
  FreeState,
  placeGroup,
  placeGroups,
  maxPlaceableGroups,
  expandUnits,
  type MaxPlaceable,
} from "./place.ts";
export {
  DEFAULT_GPU_RESOURCES,
  groupTemplateFromModelServing,
  hyperNodesFromObjects,
  podRequestOf,
  previewModelServing,
  type ModelServingLike,
  type ReadOptions,
} from "./model-serving.ts";
