// Transport details shared by the tRPC client (trpc.ts) and the pages: the proxy path, the CSRF
// double-submit header, and turning any error into something a page can show.
import { TRPCClientError } from "@trpc/client";

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
