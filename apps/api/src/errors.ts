// The one table of API error codes. Every failure a client can see has a stable code, an HTTP status
// and (for tRPC) the closest tRPC code; handlers throw `ApiError`, the REST and tRPC layers map it.
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { z } from "zod";

export const API_ERRORS = {
  API_ERR_VALIDATION: { status: 400, trpc: "BAD_REQUEST", message: "Invalid input" },
  API_ERR_UNAUTHENTICATED: { status: 401, trpc: "UNAUTHORIZED", message: "Not signed in" },
  API_ERR_BAD_CREDENTIALS: {
    status: 401,
    trpc: "UNAUTHORIZED",
    message: "Wrong email or password",
  },
  API_ERR_FORBIDDEN: { status: 403, trpc: "FORBIDDEN", message: "Not allowed" },
  API_ERR_CSRF: {
    status: 403,
    trpc: "FORBIDDEN",
    message: "Missing or wrong CSRF token (send the tessera_csrf cookie value in x-csrf-token)",
  },
  API_ERR_NOT_FOUND: { status: 404, trpc: "NOT_FOUND", message: "Not found" },
  API_ERR_CONFLICT: { status: 409, trpc: "CONFLICT", message: "Conflict" },
  API_ERR_APPLY_CONFLICT: {
    status: 409,
    trpc: "CONFLICT",
    message: "Server-side apply conflict: another field manager owns these fields",
  },
  API_ERR_CONFIRMATION_REQUIRED: {
    status: 412,
    trpc: "PRECONDITION_FAILED",
    message: "Confirmation required: repeat the object's name in `confirm`",
  },
  API_ERR_RATE_LIMITED: { status: 429, trpc: "TOO_MANY_REQUESTS", message: "Too many requests" },
  API_ERR_INTERNAL: { status: 500, trpc: "INTERNAL_SERVER_ERROR", message: "Internal error" },
  API_ERR_CLUSTER_UNREACHABLE: {
    status: 502,
    trpc: "BAD_GATEWAY",
    message: "Cluster unreachable",
  },
  API_ERR_CLUSTER_REJECTED: {
    status: 422,
    trpc: "UNPROCESSABLE_CONTENT",
    message: "The cluster rejected the request",
  },
  API_ERR_CLUSTER_TIMEOUT: { status: 504, trpc: "TIMEOUT", message: "Cluster timed out" },
  API_ERR_UNAVAILABLE: { status: 503, trpc: "SERVICE_UNAVAILABLE", message: "Not ready" },
} as const satisfies Record<string, { status: number; trpc: TRPC_ERROR_CODE_KEY; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface FieldIssue {
  /** `body.roles[1].replicas`, `path.tenantId`, `query.limit` or (tRPC) `roles[1].replicas`. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly issues: FieldIssue[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ApiErrorCode,
    message?: string,
    extra: { issues?: FieldIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message ?? API_ERRORS[code].message, { cause: extra.cause });
    this.name = "ApiError";
    this.code = code;
    this.status = API_ERRORS[code].status;
    this.issues = extra.issues;
    this.details = extra.details;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export const notFound = (what: string): ApiError =>
  new ApiError("API_ERR_NOT_FOUND", `${what} not found`);

/** `roles[1].replicas` from a zod path; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[], prefix?: string): string {
  let out = prefix ?? "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = String(seg);
      out += /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${out ? "." : ""}${key}`
        : `[${JSON.stringify(key)}]`;
    }
  }
  return out || "(root)";
}

/** Short human messages: "must be ≥ 0", "required", "must be one of a, b". */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "string") return `must be at least ${String(issue.minimum)} characters`;
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} items`;
      return `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} characters`;
      if (issue.origin === "array") return `must have at most ${String(issue.maximum)} items`;
      return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}`;
    case "invalid_type":
      // zod does not keep the input on issues by default; its message names what it received.
      return /received undefined$/.test(issue.message) ? "required" : `must be ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}

export function validationError(
  error: z.ZodError,
  locate: (path: readonly PropertyKey[]) => string = (p) => formatPath(p),
): ApiError {
  const issues = error.issues.map((i) => ({ path: locate(i.path), message: issueMessage(i) }));
  return new ApiError(
    "API_ERR_VALIDATION",
    issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    { issues },
  );
}
