// HTTP ingress on node:http. Chosen over fastify because the router has a handful of fixed routes
// and the hot path is proxying: node:http avoids a routing layer, hooks and reply objects per
// request (reference: node:http ≈ 47.9k vs fastify ≈ 46.9k req/s raw, and fastify + reply-from
// ≈ 18.7k vs node:http + undici ≈ 25.3k req/s as a proxy on the 2-core box).
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { dumpEndpoints, dumpRoutes, dumpScheduler } from "../observability/debug.ts";
import type { Router } from "../router.ts";
import { errorBody } from "./errors.ts";
import type { RouterErrorCode } from "./errors.ts";
import { ROUTER_ERRORS } from "./errors.ts";
import { handleInference } from "./inference.ts";

export interface ServerRoles {
  /** Serve /v1/* (inference) */
  api: boolean;
  /** Serve /healthz, /readyz, /metrics and /debug/* */
  admin: boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(data),
  });
  res.end(data);
}

function sendError(
  router: Router,
  res: ServerResponse,
  code: RouterErrorCode,
  message: string,
  path: string,
): void {
  const status = ROUTER_ERRORS[code].status;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(errorBody(code, message));
  router.metrics.requests.labels("unknown", "", "", String(status), code).inc();
  router.accessLog.write(shortEntry(req0(res), path, status, code, message));
}

function req0(res: ServerResponse): IncomingMessage {
  return res.req;
}

function shortEntry(
  req: IncomingMessage | null,
  path: string,
  status: number,
  code: string,
  message: string,
) {
  return {
    timestamp: new Date().toISOString(),
    method: req?.method ?? "",
    path,
    protocol: req !== null ? `HTTP/${req.httpVersion}` : "HTTP/1.1",
    status_code: status,
    error: { type: code, message },
    model_name: null,
    model_route: null,
    model_server: null,
    selected_pod: null,
    prefill_pod: null,
    request_id: (req?.headers["x-request-id"] as string | undefined) ?? "",
    backend_type: null,
    backend_name: null,
    upstream_model: null,
    upstream_status_code: null,
    upstream_attempts: 0,
    error_origin: "router" as const,
    gateway: null,
    http_route: null,
    inference_pool: null,
    input_tokens: 0,
    output_tokens: 0,
    stream: false,
    tenant: null,
    api_key: null,
    duration_total: 0,
    duration_request_processing: 0,
    duration_upstream_processing: 0,
    duration_response_processing: 0,
  };
}

export function createHttpServer(router: Router, roles: ServerRoles): Server {
  const o = router.options;
  const server = createServer(
    {
      keepAliveTimeout: o.keepAliveTimeoutMs,
      headersTimeout: o.headersTimeoutMs,
      // The body has its own timer (server/body.ts); a response stream may last long.
      requestTimeout: 0,
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1_000, Math.floor(o.headersTimeoutMs / 4)),
      ),
    },
    (req, res) => dispatch(router, roles, req, res),
  );
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) =>
    onClientError(router, err, socket),
  );
  return server;
}

function dispatch(
  router: Router,
  roles: ServerRoles,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const method = req.method ?? "GET";
  if (roles.api) {
    if (path === "/v1/chat/completions" || path === "/v1/completions") {
      if (method !== "POST") {
        sendError(router, res, "method_not_allowed", `${method} not allowed on ${path}`, path);
        return;
      }
      void handleInference(
        router,
        req,
        res,
        path === "/v1/chat/completions" ? "chat" : "completion",
        path,
      );
      return;
    }
    if ((path === "/v1/models" || path === "/models") && method === "GET") {
      const created = Math.floor(Date.now() / 1000);
      sendJson(res, 200, {
        object: "list",
        data: router.table.modelIds.map((id) => ({
          id,
          object: "model",
          created,
          owned_by: "tessera",
        })),
      });
      return;
    }
  }
  if (roles.admin) {
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (path === "/readyz") {
      const problems = router.readiness();
      sendJson(res, problems.length === 0 ? 200 : 503, { ready: problems.length === 0, problems });
      return;
    }
    if (path === "/metrics") {
      router.metrics.registry.metrics().then(
        (text) =>
          res.writeHead(200, { "content-type": router.metrics.registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
      return;
    }
    if (router.options.debug && path.startsWith("/debug/")) {
      switch (path) {
        case "/debug/routes":
          sendJson(res, 200, dumpRoutes(router.table));
          return;
        case "/debug/endpoints":
          sendJson(res, 200, dumpEndpoints(router.pool));
          return;
        case "/debug/decisions":
          sendJson(res, 200, router.decisions.list());
          return;
        case "/debug/scheduler":
          sendJson(res, 200, dumpScheduler(router.scheduler));
          return;
        case "/debug/config_dump":
          sendJson(res, 200, {
            routes: dumpRoutes(router.table),
            endpoints: dumpEndpoints(router.pool),
            scheduler: dumpScheduler(router.scheduler),
            decisions: router.decisions.list(),
          });
          return;
      }
    }
  }
  sendError(router, res, "not_found", `no route for ${method} ${path}`, path);
}

/**
 * Errors Node raises before a request reaches the handler: slow headers (408), malformed requests
 * (400), oversized headers (431). Answered with the same OpenAI-style error object, counted and
 * access-logged. Never throws: a bad client cannot take the process down.
 */
function onClientError(router: Router, err: NodeJS.ErrnoException, socket: Duplex): void {
  const code = err.code ?? "";
  if (code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  let status = 400;
  let errCode: RouterErrorCode = "invalid_body";
  let message = `bad request: ${err.message}`;
  if (
    code === "ERR_HTTP_REQUEST_TIMEOUT" ||
    code === "HPE_HEADER_OVERFLOW" ||
    code === "ERR_HTTP_HEADERS_TIMEOUT"
  ) {
    if (code === "HPE_HEADER_OVERFLOW") {
      status = 431;
      message = "request headers too large";
    } else {
      status = 408;
      errCode = "request_timeout";
      message = "request headers not received in time";
    }
  }
  const body = errorBody(errCode, message);
  const reason =
    status === 408
      ? "Request Timeout"
      : status === 431
        ? "Request Header Fields Too Large"
        : "Bad Request";
  try {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  } catch {
    socket.destroy();
  }
  router.metrics.requests.labels("unknown", "", "", String(status), errCode).inc();
  router.accessLog.write(shortEntry(null, "", status, errCode, message));
}
