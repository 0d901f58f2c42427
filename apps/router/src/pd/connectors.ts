// Prefill/decode KV connectors. Each one turns the client's request into a prefill request and a
// decode request for one (prefill, decode) pair, and returns the decode response head (which the
// caller relays to the client) or a failure, in which case the caller tries the next pair.
//
//  http / lmcache  prefill = body − stream − stream_options, max_tokens 1, non-streaming; after a
//                  2xx prefill the decode request (the original body) is sent.
//  nixl / mooncake as http, but the prefill carries kv_transfer_params {do_remote_decode: true,
//                  do_remote_prefill: false} and the prefill response's kv_transfer_params are copied
//                  verbatim into the decode request.
//  sglang          a random bootstrap_room and the prefill pod as bootstrap_host go into both
//                  requests, which are in flight at the same time (the decode engine waits for the
//                  prefill engine's KV); a failure of either cancels the other.
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import type { EndpointState } from "../endpoints/pool.ts";
import type { RouterMetrics } from "../metrics/metrics.ts";
import type { ConnectorType } from "../routing/table.ts";
import type { AttemptFailure } from "../upstream/proxy.ts";
import { isFailure, send } from "../upstream/proxy.ts";
import type { UpstreamPools } from "../upstream/pools.ts";

/** Pod annotation naming the SGLang bootstrap port of a prefill pod (SGLang's default is 8998). */
export const SGLANG_BOOTSTRAP_PORT_ANNOTATION = "tessera.io/sglang-bootstrap-port";

export interface PdPair {
  readonly prefill: EndpointState;
  readonly decode: EndpointState;
}

export interface PdContext {
  readonly pools: UpstreamPools;
  readonly metrics: RouterMetrics;
  readonly serverName: string;
  readonly path: string;
  readonly headers: Record<string, string | string[]>;
  /** The request body after model rewrite and usage injection. */
  readonly body: Record<string, unknown>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly random: () => number;
  /** Called once the prefill request has settled (answered, failed or cancelled). */
  readonly onPrefillDone?: (() => void) | undefined;
}

export type Connector = (
  cx: PdContext,
  pair: PdPair,
) => Promise<Dispatcher.ResponseData | AttemptFailure>;

function prefillBody(body: Record<string, unknown>): Record<string, unknown> {
  const p: Record<string, unknown> = { ...body };
  delete p.stream;
  delete p.stream_options;
  p.max_tokens = 1;
  if ("max_completion_tokens" in body) p.max_completion_tokens = 1;
  return p;
}

function failure(message: string, status = 0): AttemptFailure {
  return { kind: status === 0 ? "connect" : "status", message, status, headers: null, body: null };
}

async function runPrefill(
  cx: PdContext,
  ep: EndpointState,
  body: Record<string, unknown>,
  connector: string,
  signal: AbortSignal,
): Promise<{ json: Record<string, unknown> | null } | AttemptFailure> {
  const t0 = performance.now();
  ep.inFlight++;
  cx.metrics.activeUpstream.inc();
  try {
    const r = await send(cx.pools, ep, {
      path: cx.path,
      headers: cx.headers,
      payload: JSON.stringify(body),
      timeoutMs: cx.timeoutMs,
      signal,
    });
    if (isFailure(r)) return r;
    const text = await r.body.text();
    if (r.statusCode < 200 || r.statusCode >= 300) {
      return {
        kind: "status",
        message: `prefill ${ep.id}: HTTP ${r.statusCode}`,
        status: r.statusCode,
        headers: r.headers,
        body: Buffer.from(text),
      };
    }
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = null;
    }
    cx.metrics.prefillDuration.observe(
      { server: cx.serverName, connector },
      (performance.now() - t0) / 1000,
    );
    return { json };
  } catch (err) {
    return failure(`prefill ${ep.id}: ${(err as Error).message}`);
  } finally {
    ep.inFlight--;
    cx.metrics.activeUpstream.dec();
    cx.onPrefillDone?.();
  }
}

function sendDecode(
  cx: PdContext,
  ep: EndpointState,
  body: Record<string, unknown>,
  signal: AbortSignal,
) {
  return send(cx.pools, ep, {
    path: cx.path,
    headers: cx.headers,
    payload: JSON.stringify(body),
    timeoutMs: cx.timeoutMs,
    signal,
  });
}

export const httpConnector: Connector = async (cx, pair) => {
  const p = await runPrefill(cx, pair.prefill, prefillBody(cx.body), "http", cx.signal);
  if (isFailure(p)) return p;
  return sendDecode(cx, pair.decode, cx.body, cx.signal);
};

/** NIXL and Mooncake: the KV location travels in kv_transfer_params from prefill to decode. */
function kvTransferConnector(name: string): Connector {
  return async (cx, pair) => {
    const pb = prefillBody(cx.body);
    pb.kv_transfer_params = { do_remote_decode: true, do_remote_prefill: false };
    const p = await runPrefill(cx, pair.prefill, pb, name, cx.signal);
    if (isFailure(p)) return p;
    const params = p.json?.kv_transfer_params;
    if (typeof params !== "object" || params === null) {
      return failure(`prefill ${pair.prefill.id}: response has no kv_transfer_params`);
    }
    return sendDecode(cx, pair.decode, { ...cx.body, kv_transfer_params: params }, cx.signal);
  };
}

/** Random room id below 2^53 so it survives JSON number round trips exactly. */
export function bootstrapRoom(random: () => number): number {
  return Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32);
}

export const sglangConnector: Connector = async (cx, pair) => {
  const room = bootstrapRoom(cx.random);
  const bootstrap: Record<string, unknown> = {
    bootstrap_host: pair.prefill.address,
    bootstrap_room: room,
  };
  const port = Number(pair.prefill.annotations[SGLANG_BOOTSTRAP_PORT_ANNOTATION]);
  if (Number.isInteger(port) && port > 0) bootstrap.bootstrap_port = port;

  // One controller per pair: a failure of either side cancels the other; the client's
  // disconnect cancels both.
  const pairAbort = new AbortController();
  const onClientAbort = () => pairAbort.abort();
  cx.signal.addEventListener("abort", onClientAbort, { once: true });
  const prefill = runPrefill(
    cx,
    pair.prefill,
    { ...prefillBody(cx.body), ...bootstrap },
    "sglang",
    pairAbort.signal,
  ).then((r) => {
    if (isFailure(r)) pairAbort.abort();
    return r;
  });
  const decode = await sendDecode(cx, pair.decode, { ...cx.body, ...bootstrap }, pairAbort.signal);
  if (isFailure(decode)) {
    pairAbort.abort();
    cx.signal.removeEventListener("abort", onClientAbort);
    const p = await prefill;
    return isFailure(p)
      ? failure(`sglang pair failed: ${p.message}; decode: ${decode.message}`, p.status)
      : decode;
  }
  void prefill.finally(() => cx.signal.removeEventListener("abort", onClientAbort));
  return decode;
};

const nixlConnector = kvTransferConnector("nixl");
const mooncakeConnector = kvTransferConnector("mooncake");

export function connectorFor(type: ConnectorType): Connector {
  switch (type) {
    case "nixl":
      return nixlConnector;
    case "mooncake":
      return mooncakeConnector;
    case "sglang":
      return sglangConnector;
    default:
      return httpConnector;
  }
}
