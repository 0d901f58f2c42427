"use client";
// The routers' live view of one cluster: endpoints with engine metrics per router, and the last
// scheduling decisions with each candidate's per-plugin scores. Polled every 5 s.
import { skipToken } from "@tanstack/react-query";
import type { ClusterRef, RouterInputs, RouterOutputs } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

export const ROUTING_POLL_MS = 5_000;

export type RoutingEndpoints = RouterOutputs["routing"]["endpoints"];
export type RoutingEndpoint = RoutingEndpoints["endpoints"][number];
export type RoutingDecisions = RouterOutputs["routing"]["decisions"];
export type RoutingDecision = RoutingDecisions["decisions"][number];

export function useRoutingEndpoints(
  cluster: ClusterRef | undefined,
  filter: Omit<RouterInputs["routing"]["endpoints"], "clusterId"> = {},
) {
  const trpc = useTRPC();
  return useApiQuery(
    trpc.routing.endpoints.queryOptions(cluster ? { clusterId: cluster.id, ...filter } : skipToken),
    { refetchInterval: ROUTING_POLL_MS },
  );
}

export function useRoutingDecisions(cluster: ClusterRef | undefined, limit = 20) {
  const trpc = useTRPC();
  return useApiQuery(
    trpc.routing.decisions.queryOptions(cluster ? { clusterId: cluster.id, limit } : skipToken),
    { refetchInterval: ROUTING_POLL_MS },
  );
}

/** Plugins that scored any candidate, in first-seen order (one column each). */
export function pluginsOf(decisions: readonly RoutingDecision[]): string[] {
  return [...new Set(decisions.flatMap((d) => d.candidates.flatMap((c) => Object.keys(c.scores))))];
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`;
const num = (x: number | null | undefined) => (x === null || x === undefined ? "–" : String(x));
export const fmt = { pct, num };
