// Scale in placeable units: a scale-up is cut to the ServingGroups that the cluster can place now
// (placement/maxPlaceableGroups), and the decision says why. Scale-downs pass through untouched.
import type { Decision } from "./types.ts";

export interface PlaceableCapacity {
  /** ServingGroups of the template that can still be placed on top of the current ones. */
  count: number;
  /** The placement preview's reason for the next one, e.g. "Unschedulable: role decode needs …". */
  blockedBy?: string;
}

export interface PlacementLimitedDecision extends Decision {
  /** Set when the scale-up was cut: the Event reason is Unschedulable and this is its message. */
  unschedulable?: string;
}

export function applyPlacementLimit(
  decision: Decision,
  currentReplicas: number,
  placeable: PlaceableCapacity,
): PlacementLimitedDecision {
  const want = decision.desired - currentReplicas;
  if (want <= placeable.count) return decision;
  const desired = currentReplicas + Math.max(0, placeable.count);
  const why = placeable.blockedBy ?? "Unschedulable: no capacity for another ServingGroup";
  return {
    desired,
    mode: decision.mode,
    reason: {
      ...decision.reason,
      limit: "unschedulable",
      message: `${decision.reason.message}; only ${placeable.count} of ${want} new ServingGroup(s) can be placed → ${desired} (${why})`,
    },
    unschedulable: why,
  };
}
