// The browser's tRPC client. The console talks to the API only over HTTP, through the same-origin
// proxy at /api/trpc (cookies stay first-party). Calls are untyped at the transport and typed at the
// resource layer (resources.ts), so a page keeps rendering its error state when the API is older or
// newer than the console.
import { createTRPCUntypedClient, httpBatchLink, TRPCClientError } from "@trpc/client";

export const TRPC_PROXY_PATH = "/api/trpc";
/** Cookie the API sets next to the session; echoed as a header on mutations (double-submit CSRF). */
export const CSRF_COOKIE = "tessera_csrf";
export const CSRF_HEADER = "x-csrf-token";

function readCookie(name: string): string | undefined {
  if (typeof document === "undefined") return undefined;
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function csrfHeaders(): Record<string, string> {
  const csrf = readCookie(CSRF_COOKIE);
  return csrf ? { [CSRF_HEADER]: csrf } : {};
}

function baseUrl(): string {
  return typeof window === "undefined" ? "http://127.0.0.1" : window.location.origin;
}

let client: ReturnType<typeof createTRPCUntypedClient> | undefined;

export function apiClient() {
  client ??= createTRPCUntypedClient({
    links: [
      httpBatchLink({
        url: `${baseUrl()}${TRPC_PROXY_PATH}`,
        maxURLLength: 4000,
        headers: csrfHeaders,
        fetch: (url, init) => fetch(url, { ...init, credentials: "same-origin" }),
      }),
    ],
  });
  return client;
}

export function apiQuery<T>(path: string, input?: unknown): Promise<T> {
  return apiClient().query(path, input) as Promise<T>;
}

export function apiMutate<T>(path: string, input?: unknown): Promise<T> {
  return apiClient().mutation(path, input) as Promise<T>;
}

export interface ApiErrorInfo {
  message: string;
  /** API_ERR_* from the API's error table, when the API sent one. */
  code?: string;
  httpStatus?: number;
  /** The procedure does not exist on this API (older API, or not built yet). */
  missingProcedure: boolean;
  unauthorized: boolean;
  cluster?: string;
  issues?: { path: string; message: string }[];
}

export function describeError(error: unknown, cluster?: string): ApiErrorInfo {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      apiCode?: string;
      httpStatus?: number;
      code?: string;
      issues?: { path: string; message: string }[];
    };
    const missing =
      data.code === "NOT_FOUND" &&
      /No procedure found|No "query"|No "mutation"/i.test(error.message);
    return {
      message: error.message,
      ...(data.apiCode ? { code: data.apiCode } : {}),
      ...(data.httpStatus ? { httpStatus: data.httpStatus } : {}),
      missingProcedure: missing,
      unauthorized: data.code === "UNAUTHORIZED" || data.httpStatus === 401,
      ...(cluster ? { cluster } : {}),
      ...(data.issues ? { issues: data.issues } : {}),
    };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    missingProcedure: false,
    unauthorized: false,
    ...(cluster ? { cluster } : {}),
  };
}
