// Resource classes (headlamp style): each kind the console shows is described once, with the tRPC
// procedure that lists it and how the input is built for one cluster. Pages call `useList` and never
// build query keys or inputs themselves. The cluster is part of every query key, lists fan out one
// query per cluster, and every item and error is stamped with its cluster.
"use client";
import { useQueries, useQuery, type UseQueryResult } from "@tanstack/react-query";
import { apiQuery, describeError, type ApiErrorInfo } from "./api-client";
import type { ClusterRef } from "./types";

export const POLL_MS = 10_000;

/**
 * Procedures this API offers, from its OpenAPI document (operationId = procedure name). Pages skip
 * procedures the API does not have and show "not offered yet" instead of calling them.
 */
export function useCapabilities() {
  return useQuery({
    queryKey: ["tessera", "capabilities"],
    queryFn: async () => {
      const res = await fetch("/api/openapi", { credentials: "same-origin" });
      const doc = (await res.json()) as {
        paths?: Record<string, Record<string, { operationId?: string }>>;
      };
      const ops = new Set<string>();
      for (const item of Object.values(doc.paths ?? {}))
        for (const op of Object.values(item)) if (op.operationId) ops.add(op.operationId);
      return { ops, reachable: res.headers.get("x-tessera-api") !== "unreachable" };
    },
    staleTime: 300_000,
    refetchInterval: false,
  });
}

/** undefined while unknown; false when the API has no such procedure. */
function useOffered(procedure: string): boolean | undefined {
  const caps = useCapabilities();
  if (!caps.data) return caps.isError ? true : undefined;
  // An unreachable API: let the call fail with the proxy's "unreachable" error, which says why.
  return !caps.data.reachable || caps.data.ops.has(procedure);
}

export function notOffered(procedure: string): ApiErrorInfo {
  return {
    message: `The API has no procedure ${procedure} yet.`,
    missingProcedure: true,
    unauthorized: false,
  };
}

export type QueryScope = { cluster: string } | { tenant: string } | { global: true };

/** ['tessera', procedure, scope, input]: the cluster (or tenant) is always in the key. */
export function queryKey(
  procedure: string,
  scope: QueryScope,
  input?: unknown,
): readonly unknown[] {
  return ["tessera", procedure, scope, input ?? null] as const;
}

export interface ResourceClass<TItem, TRaw = TItem[]> {
  kind: string;
  procedure: string;
  /** Input for one cluster (the API addresses clusters by id). */
  input: (cluster: ClusterRef) => unknown;
  /** Raw procedure output → items. */
  select: (raw: TRaw) => TItem[];
  refetchInterval?: number | false;
}

export function defineResource<TItem, TRaw = TItem[]>(def: ResourceClass<TItem, TRaw>) {
  return def;
}

export type Stamped<T> = T & { cluster: string };

export interface FanOut<T> {
  items: Stamped<T>[];
  errors: (ApiErrorInfo & { cluster: string })[];
  /** Still waiting for at least one cluster with nothing to show yet. */
  isLoading: boolean;
  /** Every cluster answered (with data or an error). */
  settled: boolean;
  /** Latest successful fetch across clusters (ms since epoch), 0 if none. */
  updatedAt: number;
  refetch: () => void;
}

/** Merges per-cluster query results: items stamped with their cluster, errors kept per cluster. */
export function mergeFanOut<T>(
  clusters: readonly ClusterRef[],
  results: readonly Pick<UseQueryResult<T[]>, "data" | "error" | "isPending" | "dataUpdatedAt">[],
): Omit<FanOut<T>, "refetch"> {
  const items: Stamped<T>[] = [];
  const errors: (ApiErrorInfo & { cluster: string })[] = [];
  let updatedAt = 0;
  let pending = 0;
  results.forEach((r, i) => {
    const cluster = clusters[i]?.name ?? "?";
    if (r.data) for (const item of r.data) items.push({ ...item, cluster });
    if (r.error) errors.push({ ...describeError(r.error, cluster), cluster });
    if (r.isPending) pending += 1;
    updatedAt = Math.max(updatedAt, r.dataUpdatedAt);
  });
  return {
    items,
    errors,
    isLoading: pending > 0 && items.length === 0,
    settled: pending === 0,
    updatedAt,
  };
}

export function useList<TItem, TRaw>(
  resource: ResourceClass<TItem, TRaw>,
  clusters: readonly ClusterRef[],
  options: { enabled?: boolean } = {},
): FanOut<TItem> {
  const offered = useOffered(resource.procedure);
  const results = useQueries({
    queries: clusters.map((c) => {
      const input = resource.input(c);
      return {
        queryKey: queryKey(resource.procedure, { cluster: c.name }, input),
        queryFn: async () => resource.select(await apiQuery<TRaw>(resource.procedure, input)),
        refetchInterval: resource.refetchInterval ?? POLL_MS,
        enabled: (options.enabled ?? true) && offered === true,
      };
    }),
  });
  const merged = mergeFanOut(clusters, results);
  if (offered === false)
    return {
      items: [],
      errors: clusters.length
        ? [{ ...notOffered(resource.procedure), cluster: clusters.map((c) => c.name).join(", ") }]
        : [],
      isLoading: false,
      settled: true,
      updatedAt: 0,
      refetch: () => undefined,
    };
  if (offered === undefined) merged.isLoading = clusters.length > 0;
  return {
    ...merged,
    refetch: () => {
      for (const r of results) void r.refetch();
    },
  };
}

/** One procedure call not tied to a cluster (clusters list, tenants, usage). */
export function useApiQuery<T>(
  procedure: string,
  scope: QueryScope,
  input?: unknown,
  options: { refetchInterval?: number | false; enabled?: boolean } = {},
) {
  const offered = useOffered(procedure);
  const q = useQuery({
    queryKey: queryKey(procedure, scope, input),
    queryFn: () => apiQuery<T>(procedure, input),
    refetchInterval: options.refetchInterval ?? POLL_MS,
    enabled: (options.enabled ?? true) && offered === true,
  });
  return {
    data: q.data,
    /** Described error (also set when the API does not offer the procedure). */
    error: offered === false ? notOffered(procedure) : q.error ? describeError(q.error) : null,
    isLoading: (options.enabled ?? true) && (offered === undefined || (offered && q.isPending)),
    updatedAt: q.dataUpdatedAt,
    refetch: () => void q.refetch(),
  };
}
