"use client";
// Who is signed in, and the clusters the console can address. Clusters are addressed by name in the
// URL (/c/<name>/…) and by id in API calls.
import { queryState } from "~/components/page-shell";
import type { Cluster, Me } from "./api-types";
import { useApiQuery } from "./resources";
import { useTRPC } from "./trpc";

export type SignedInUser = Extract<Me, { type: "user" }>;

export function useMe(options: { enabled?: boolean } = {}) {
  const trpc = useTRPC();
  return useApiQuery(trpc.auth.me.queryOptions({}), { refetchInterval: 60_000, ...options });
}

export function meOf(data: Me | undefined): SignedInUser | null {
  return data?.type === "user" ? data : null;
}

export const isOperator = (me: SignedInUser | null) =>
  me?.platformRole === "ADMIN" || me?.platformRole === "OPERATOR";

export const isAdmin = (me: SignedInUser | null) => me?.platformRole === "ADMIN";

export function useClusters(options: { enabled?: boolean } = {}) {
  const trpc = useTRPC();
  return useApiQuery(trpc.clusters.list.queryOptions({}), options);
}

export function clustersOf(data: readonly Cluster[] | undefined): readonly Cluster[] {
  return data ?? [];
}

export function clusterTone(status: Cluster["status"]) {
  return status === "HEALTHY"
    ? "ok"
    : status === "DEGRADED" || status === "PENDING"
      ? "warn"
      : status === "DISABLED"
        ? "neutral"
        : "bad";
}

/** The cluster a /c/<name>/… page is about, with the page state for "loading" and "no such cluster". */
export function useClusterByName(name: string) {
  const clustersQ = useClusters();
  const cluster = clustersOf(clustersQ.data).find((c) => c.name === name);
  return {
    cluster,
    clustersQ,
    state: queryState(clustersQ, {
      when: clustersQ.data !== undefined && !cluster,
      title: `No cluster named “${name}”`,
      hint: "Pick one from the sidebar.",
    }),
  };
}
