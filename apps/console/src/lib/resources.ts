// Resource classes (headlamp style): each kind the console shows is described once, with the typed
// tRPC query that lists it for one cluster. Pages call `useList` and never build query keys or
// inputs themselves. The cluster is part of every query key (its id is in the input, which tRPC puts
// in the key), lists fan out one query per cluster, and every item and error is stamped with its
// cluster's name.
"use client";
import {
  skipToken,
  useQueries,
  useQuery,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
} from "@tanstack/react-query";
import { describeError, type ApiErrorInfo } from "./api-client";
import type { ClusterRef } from "./api-types";
import { useTRPC, type Trpc } from "./trpc";

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
export function useOffered(procedure: string): boolean | undefined {
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

/**
 * What `trpc.<router>.<procedure>.queryOptions(input)` returns, as far as the console needs it:
 * TanStack options plus `trpc.path`, the procedure name the capability check looks up.
 */
export type ApiQueryOptions<TRaw, TData = TRaw> = UseQueryOptions<TRaw, Error, TData, QueryKey> & {
  trpc: { path: string };
};

export interface ResourceClass<TItem, TRaw> {
  kind: string;
  /** The typed query for one cluster (the API addresses clusters by id). */
  query: (trpc: Trpc, cluster: ClusterRef) => ApiQueryOptions<TRaw>;
  /** Raw procedure output → items. */
  select: (raw: TRaw) => TItem[];
  refetchInterval?: number | false;
}

export function defineResource<TItem, TRaw>(def: ResourceClass<TItem, TRaw>) {
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
  const trpc = useTRPC();
  const built = clusters.map((c) => resource.query(trpc, c));
  const procedure = built[0]?.trpc.path ?? resource.kind;
  const offered = useOffered(procedure);
  const results = useQueries({
    queries: built.map((o): UseQueryOptions<TRaw, Error, TItem[], QueryKey> => ({
      ...o,
      select: resource.select,
      refetchInterval: resource.refetchInterval ?? POLL_MS,
      enabled: (options.enabled ?? true) && offered === true,
    })),
  });
  const merged = mergeFanOut(clusters, results);
  if (offered === false)
    return {
      items: [],
      errors: clusters.length
        ? [{ ...notOffered(procedure), cluster: clusters.map((c) => c.name).join(", ") }]
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

export interface ApiQueryResult<T> {
  data: T | undefined;
  /** Described error (also set when the API does not offer the procedure). */
  error: ApiErrorInfo | null;
  isLoading: boolean;
  updatedAt: number;
  refetch: () => void;
}

/**
 * One typed procedure call not tied to a cluster fan-out (clusters list, tenants, usage):
 * `useApiQuery(trpc.tenants.list.queryOptions({}))`. Polls every POLL_MS unless told otherwise and
 * never calls a procedure the API does not offer.
 */
export function useApiQuery<TRaw, TData = TRaw>(
  options: ApiQueryOptions<TRaw, TData>,
  extra: { refetchInterval?: number | false; enabled?: boolean } = {},
): ApiQueryResult<TData> {
  const procedure = options.trpc.path;
  const offered = useOffered(procedure);
  const wanted = (extra.enabled ?? true) && options.queryFn !== skipToken;
  const q = useQuery({
    ...options,
    refetchInterval: extra.refetchInterval ?? options.refetchInterval ?? POLL_MS,
    enabled: wanted && offered === true,
  });
  return {
    data: q.data,
    error: offered === false ? notOffered(procedure) : q.error ? describeError(q.error) : null,
    isLoading: wanted && (offered === undefined || (offered && q.isPending)),
    updatedAt: q.dataUpdatedAt,
    refetch: () => void q.refetch(),
  };
}
