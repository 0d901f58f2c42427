"use client";
// Who is signed in, and the clusters the console can address. Clusters are addressed by name in the
// URL (/c/<name>/…) and by id in API calls.
import { useApiQuery } from "./resources";
import type { Cluster } from "./types";

export type Me =
  | {
      type: "user";
      userId: string;
      email: string;
      platformRole: "ADMIN" | "OPERATOR" | "MEMBER";
      tenants: { tenantId: string; role: "TENANT_ADMIN" | "VIEWER" }[];
    }
  | { type: "apiKey"; apiKeyId: string; prefix: string; tenantId: string };

export function useMe(options: { enabled?: boolean } = {}) {
  return useApiQuery<Me>("auth.me", { global: true }, {}, { refetchInterval: 60_000, ...options });
}

export function meOf(data: Me | undefined): Extract<Me, { type: "user" }> | null {
  return data?.type === "user" ? data : null;
}

export const isOperator = (me: Extract<Me, { type: "user" }> | null) =>
  me?.platformRole === "ADMIN" || me?.platformRole === "OPERATOR";

export function useClusters(options: { enabled?: boolean } = {}) {
  return useApiQuery<Cluster[] | { items: Cluster[] }>(
    "clusters.list",
    { global: true },
    {},
    options,
  );
}

export function clustersOf(data: Cluster[] | { items: Cluster[] } | undefined): Cluster[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items;
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
