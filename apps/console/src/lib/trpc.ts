"use client";
// The browser's typed tRPC client and its TanStack Query bindings. Types come from the API's
// `AppRouter` (type-only import: no server code enters the bundle); calls go to the same-origin
// proxy at /api/trpc, so cookies stay first-party, and mutations echo the CSRF cookie.
//
// The bindings have the shape of @trpc/tanstack-react-query (`trpc.tenants.list.queryOptions(input)`,
// `.mutationOptions()`, `.queryKey()`, `.queryFilter()`, `trpc.path` on query options) but are
// written here: that package's newest release in our registry (11.22.1) pins @trpc/client and
// @trpc/server to 11.22.1, and the workspace runs 11.25.2. Replacing this file with the package
// is a one-import change for the pages once a matching release exists.
import {
  skipToken,
  type QueryFilters,
  type QueryKey,
  type SkipToken,
  type UseMutationOptions,
  type UseQueryOptions,
} from "@tanstack/react-query";
import type { AppRouter } from "@tessera/api/trpc";
import { createTRPCClient, getUntypedClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type {
  AnyProcedure,
  inferProcedureInput,
  inferTransformedProcedureOutput,
} from "@trpc/server";
import { createContext, createElement, useContext, useMemo, type ReactNode } from "react";
import { csrfHeaders, TRPC_PROXY_PATH } from "./api-client";

type Root = AppRouter["_def"]["_config"]["$types"];

/** `[path, {input, type}]`, the key shape @trpc/tanstack-react-query uses. */
export type TrpcQueryKey = readonly [readonly string[], { input?: unknown; type: "query" }?];

type QueryOpts<TOut, TData> = Omit<
  UseQueryOptions<TOut, Error, TData, QueryKey>,
  "queryKey" | "queryFn"
>;

export interface QueryProcedure<TIn, TOut> {
  queryOptions<TData = TOut>(
    input: TIn | SkipToken,
    opts?: QueryOpts<TOut, TData>,
  ): UseQueryOptions<TOut, Error, TData, QueryKey> & { trpc: { path: string } };
  queryKey(input?: TIn): TrpcQueryKey;
  queryFilter(input?: TIn): QueryFilters;
}

export interface MutationProcedure<TIn, TOut> {
  mutationOptions<TContext = unknown>(
    opts?: Omit<UseMutationOptions<TOut, Error, TIn, TContext>, "mutationFn">,
  ): UseMutationOptions<TOut, Error, TIn, TContext> & { trpc: { path: string } };
}

type Decorated<TRecord> = {
  [K in keyof TRecord]: TRecord[K] extends AnyProcedure
    ? TRecord[K]["_def"]["type"] extends "query"
      ? QueryProcedure<
          inferProcedureInput<TRecord[K]>,
          inferTransformedProcedureOutput<Root, TRecord[K]>
        >
      : TRecord[K]["_def"]["type"] extends "mutation"
        ? MutationProcedure<
            inferProcedureInput<TRecord[K]>,
            inferTransformedProcedureOutput<Root, TRecord[K]>
          >
        : never
    : Decorated<TRecord[K]> & { queryFilter(): QueryFilters };
};

/** The options proxy pages build queries and mutations from. */
export type Trpc = Decorated<AppRouter["_def"]["record"]>;

function baseUrl(): string {
  return typeof window === "undefined" ? "http://127.0.0.1" : window.location.origin;
}

export function makeTrpcClient(url = `${baseUrl()}${TRPC_PROXY_PATH}`): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        maxURLLength: 4000,
        headers: csrfHeaders,
        fetch: (u, init) => fetch(u, { ...init, credentials: "same-origin" }),
      }),
    ],
  });
}

const keyOf = (path: string[], input: unknown): TrpcQueryKey =>
  input === undefined || input === skipToken ? [path] : [path, { input, type: "query" }];

/** Builds the options proxy over a client (no React needed: tests build options with it). */
export function createOptionsProxy(client: TRPCClient<AppRouter>): Trpc {
  const untyped = getUntypedClient(client);
  const at = (path: string[]): unknown =>
    new Proxy(() => undefined, {
      get(_t, prop) {
        // Not a thenable (so nothing mistakes it for a promise), not a procedure path.
        if (typeof prop !== "string" || prop === "then") return undefined;
        const name = path.join(".");
        switch (prop) {
          case "queryOptions":
            return (input: unknown, opts: object = {}) => ({
              ...opts,
              queryKey: keyOf(path, input),
              queryFn:
                input === skipToken
                  ? skipToken
                  : ({ signal }: { signal: AbortSignal }) => untyped.query(name, input, { signal }),
              trpc: { path: name },
            });
          case "queryKey":
            return (input?: unknown) => keyOf(path, input);
          case "queryFilter":
            return (input?: unknown) => ({ queryKey: keyOf(path, input) });
          case "mutationOptions":
            return (opts: object = {}) => ({
              ...opts,
              mutationKey: [path],
              mutationFn: (input: unknown) => untyped.mutation(name, input),
              trpc: { path: name },
            });
          default:
            return at([...path, prop]);
        }
      },
    });
  return at([]) as Trpc;
}

const TrpcContext = createContext<Trpc | null>(null);

export function TRPCProvider({
  client,
  children,
}: {
  client: TRPCClient<AppRouter>;
  children: ReactNode;
}) {
  const proxy = useMemo(() => createOptionsProxy(client), [client]);
  return createElement(TrpcContext.Provider, { value: proxy }, children);
}

export function useTRPC(): Trpc {
  const trpc = useContext(TrpcContext);
  if (!trpc) throw new Error("useTRPC() needs <TRPCProvider> (components/providers.tsx)");
  return trpc;
}
