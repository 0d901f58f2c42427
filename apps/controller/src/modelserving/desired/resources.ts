// Resource arithmetic for PodGroup.minResources: what the gang needs before Volcano may bind any
// member. Kubernetes defaults a container's requests to its limits, so a GPU given only as a limit
// still counts.
import { quantityToNumber } from "@tessera/shared";

export type ResourceTotals = Map<string, number>;

interface ContainerLike {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

function asQuantity(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") return quantityToNumber(v);
  return 0;
}

/** Effective requests of one pod spec (sum over its containers; requests fall back to limits). */
export function podRequests(spec: { containers?: unknown[] } | undefined): ResourceTotals {
  const total: ResourceTotals = new Map();
  for (const c of (spec?.containers ?? []) as ContainerLike[]) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    const keys = new Set([...Object.keys(requests), ...Object.keys(limits)]);
    for (const k of keys) {
      const v = k in requests ? requests[k] : limits[k];
      total.set(k, (total.get(k) ?? 0) + asQuantity(v));
    }
  }
  return total;
}

export function addScaled(into: ResourceTotals, add: ResourceTotals, times: number): void {
  if (times <= 0) return;
  for (const [k, v] of add) into.set(k, (into.get(k) ?? 0) + v * times);
}

/** Formats totals as Kubernetes quantities: whole numbers as integers, fractions in milli-units. */
export function formatResources(totals: ResourceTotals): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...totals.keys()].sort()) {
    const v = totals.get(k) ?? 0;
    if (v <= 0) continue;
    const rounded = Math.round(v);
    out[k] = Math.abs(v - rounded) < 1e-9 ? String(rounded) : `${Math.ceil(v * 1000 - 1e-6)}m`;
  }
  return out;
}
