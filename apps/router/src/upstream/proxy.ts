// Sending one attempt to one endpoint and relaying its response. An attempt "fails" (and the caller
// may try the next-best endpoint) when the connection is refused or reset, the header wait times out,
// or the endpoint answers 429 / 5xx — always before any byte reached the client. Once the response
// head is written, the request is committed to that endpoint.
import { once } from "node:events";
import type { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import type { EndpointState } from "../endpoints/pool.ts";
import type { RequestState } from "../server/request-state.ts";
import { SseRelay, usageFromJson } from "./sse.ts";
import type { UpstreamPools } from "./pools.ts";

/** Hop-by-hop and recomputed headers never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "expect",
]);

/** Max bytes of a non-streamed response kept to read `usage` from. */
const USAGE_CAPTURE_LIMIT = 4 * 1024 * 1024;
/** Max bytes of a failed upstream response kept to forward if it is the last attempt. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Passive health: a refused connection keeps an endpoint out of scheduling this long. */
export const CONNECT_FAILURE_COOLDOWN_MS = 1_000;

export function upstreamHeaders(
  h: IncomingHttpHeaders,
  requestId: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    // The router reads usage from the response body, so it asks engines for identity encoding.
    if (HOP_BY_HOP.has(k) || k === "accept-encoding") continue;
    const v = h[k];
    if (v !== undefined) out[k] = v;
  }
  out["x-request-id"] = requestId;
  out["content-type"] = "application/json";
  return out;
}

const PRECISE_TIMEOUT_BELOW_MS = 10_000;

function abortTimeout(ac: AbortController): void {
  ac.abort(new Error("upstream header timeout"));
}

export type FailureKind = "connect" | "timeout" | "status" | "aborted";

export interface AttemptFailure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders | null;
  readonly body: Buffer | null;
}

export function classifyError(err: unknown): FailureKind {
  const code = (err as { code?: string }).code ?? "";
  const name = (err as { name?: string }).name ?? "";
  if (name === "AbortError" || code === "UND_ERR_ABORTED" || code === "ABORT_ERR") return "aborted";
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return "timeout";
  return "connect";
}

export interface SendOptions {
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload: Buffer | string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * Sends the request and waits for the response head. Returns the response, or a failure for a
 * refused/timed-out/429/5xx attempt (its body drained and kept small for forwarding).
 */
export async function send(
  pools: UpstreamPools,
  ep: EndpointState,
  o: SendOptions,
): Promise<Dispatcher.ResponseData | AttemptFailure> {
  // The endpoint left the pool after it was scheduled (a reload): do not re-open its pool.
  if (ep.removed)
    return {
      kind: "connect",
      message: `${ep.id}: endpoint removed`,
      status: 0,
      headers: null,
      body: null,
    };
  let res: Dispatcher.ResponseData;
  // undici's own timers are coarse (≈1 s resolution); short header-wait bounds get a precise timer.
  const precise = o.timeoutMs > 0 && o.timeoutMs < PRECISE_TIMEOUT_BELOW_MS;
  const tac = precise ? new AbortController() : null;
  const timer = tac !== null ? setTimeout(abortTimeout, o.timeoutMs, tac) : null;
  try {
    res = await pools.get(ep.origin).request({
      method: "POST",
      path: o.path,
      headers: o.headers,
      body: o.payload,
      signal: tac !== null ? AbortSignal.any([o.signal, tac.signal]) : o.signal,
      headersTimeout: precise ? 0 : o.timeoutMs,
      bodyTimeout: 0,
    });
  } catch (err) {
    const kind = tac?.signal.aborted === true && !o.signal.aborted ? "timeout" : classifyError(err);
    if (kind === "connect") ep.unhealthyUntil = Date.now() + CONNECT_FAILURE_COOLDOWN_MS;
    return {
      kind,
      message: `${ep.id}: ${(err as Error).message}`,
      status: 0,
      headers: null,
      body: null,
    };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
  if (res.statusCode === 429 || res.statusCode >= 500) {
    let body: Buffer | null;
    try {
      const ab = await res.body.arrayBuffer();
      body = ab.byteLength <= ERROR_BODY_LIMIT ? Buffer.from(ab) : null;
    } catch {
      body = null;
    }
    return {
      kind: "status",
      message: `${ep.id}: HTTP ${res.statusCode}`,
      status: res.statusCode,
      headers: res.headers,
      body,
    };
  }
  return res;
}

export function isFailure<T extends object>(r: T | AttemptFailure): r is AttemptFailure {
  return (r as Partial<AttemptFailure>).kind !== undefined;
}

export function clientHeaders(
  h: IncomingHttpHeaders,
  requestId: string,
  stream: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    if (HOP_BY_HOP.has(k) && !(k === "content-length" && !stream)) continue;
    const v = h[k];
    if (v !== undefined) out[k] = v;
  }
  out["x-request-id"] = requestId;
  return out;
}

/**
 * Writes the response head and relays the body: SSE event by event when streaming, chunk by chunk
 * otherwise. Throws if the upstream body fails midway (the caller destroys the client response).
 */
export async function relay(st: RequestState, res: Dispatcher.ResponseData): Promise<void> {
  const out = st.res;
  st.upstreamStatus = res.statusCode;
  st.tHeaders = performance.now();
  const isSse =
    st.stream && String(res.headers["content-type"] ?? "").includes("text/event-stream");
  out.writeHead(res.statusCode, clientHeaders(res.headers, st.requestId, isSse));
  st.status = res.statusCode;
  const signal = st.ac.signal;
  if (isSse) {
    const sse = new SseRelay(st.strip);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      sse.push(chunk, st, performance.now());
      if (st.needDrain) {
        st.needDrain = false;
        await once(out, "drain", { signal });
      }
    }
    sse.end(st);
    st.usage = sse.usage;
  } else {
    let captured: Buffer[] | null = [];
    let size = 0;
    // Each chunk is written when the next one arrives; the last goes out with end(), so a small JSON
    // response leaves in one write together with the response head.
    let pending: Buffer | null = null;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (pending !== null) st.write(pending);
      pending = chunk;
      if (captured !== null) {
        size += chunk.length;
        if (size > USAGE_CAPTURE_LIMIT) captured = null;
        else captured.push(chunk);
      }
      if (st.needDrain) {
        st.needDrain = false;
        await once(out, "drain", { signal });
      }
    }
    if (captured !== null && res.statusCode < 300)
      st.usage = usageFromJson(
        captured.length === 1 ? (captured[0] as Buffer) : Buffer.concat(captured, size),
      );
    st.tEnd = performance.now();
    if (pending !== null) out.end(pending);
    else out.end();
    return;
  }
  out.end();
  st.tEnd = performance.now();
}
