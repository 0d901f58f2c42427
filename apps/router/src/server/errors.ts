// Stable, machine-readable router error codes: one table with the HTTP status, the OpenAI error
// `type`, and the access-log error type (Kthena's taxonomy). Clients get
// {"error": {"message", "type", "code"}}.
export interface ErrorDef {
  readonly status: number;
  readonly type: string;
  /** Kthena access-log error type. */
  readonly logType: string;
}

export const ROUTER_ERRORS = {
  invalid_json: { status: 400, type: "invalid_request_error", logType: "request_parsing" },
  invalid_body: { status: 400, type: "invalid_request_error", logType: "request_parsing" },
  model_required: { status: 400, type: "invalid_request_error", logType: "request_parsing" },
  body_too_large: { status: 413, type: "invalid_request_error", logType: "request_parsing" },
  request_timeout: { status: 408, type: "invalid_request_error", logType: "request_parsing" },
  model_not_found: { status: 404, type: "not_found_error", logType: "route_not_found" },
  model_server_not_found: {
    status: 404,
    type: "not_found_error",
    logType: "model_server_matching",
  },
  not_found: { status: 404, type: "not_found_error", logType: "route_not_found" },
  method_not_allowed: { status: 405, type: "invalid_request_error", logType: "request_parsing" },
  admission_denied: { status: 429, type: "rate_limit_error", logType: "admission" },
  invalid_api_key: { status: 401, type: "authentication_error", logType: "admission" },
  permission_denied: { status: 403, type: "permission_error", logType: "admission" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error", logType: "admission" },
  quota_unavailable: { status: 503, type: "service_unavailable_error", logType: "admission" },
  queue_timeout: { status: 503, type: "service_unavailable_error", logType: "admission" },
  no_ready_endpoint: { status: 503, type: "service_unavailable_error", logType: "pod_discovery" },
  scheduling_failed: { status: 503, type: "service_unavailable_error", logType: "scheduling" },
  upstream_unavailable: { status: 502, type: "server_error", logType: "proxy" },
  upstream_timeout: { status: 504, type: "timeout_error", logType: "proxy" },
  pd_failed: { status: 502, type: "server_error", logType: "proxy" },
  shutting_down: { status: 503, type: "service_unavailable_error", logType: "proxy" },
  internal_error: { status: 500, type: "server_error", logType: "internal" },
} as const satisfies Record<string, ErrorDef>;

export type RouterErrorCode = keyof typeof ROUTER_ERRORS;

export class RouterError extends Error {
  override readonly name = "RouterError";
  readonly code: RouterErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. Retry-After on 429). */
  readonly headers: Readonly<Record<string, string>> | null;
  constructor(
    code: RouterErrorCode,
    message: string,
    status?: number,
    options?: { cause?: unknown; headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options);
    this.code = code;
    this.status = status ?? ROUTER_ERRORS[code].status;
    this.headers = options?.headers ?? null;
  }
}

export function errorBody(code: RouterErrorCode, message: string): string {
  return JSON.stringify({ error: { message, type: ROUTER_ERRORS[code].type, code } });
}
