// The inference request path: read + parse the body once → admission seam → ModelRoute match →
// model rewrite and usage injection → eligibility (healthy endpoints) → schedule → proxy with
// fallback to the next-best endpoint (or PD pair) until bytes reach the client → metrics, access log,
// usage hooks.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Endpoint } from "../framework/endpoint.ts";
import type { ApiKind } from "../framework/request.ts";
import type { IdentifiedCaller, UsageRecord } from "../framework/request-control.ts";
import type { EndpointState } from "../endpoints/pool.ts";
import { connectorFor } from "../pd/connectors.ts";
import type { PdContext, PdPair } from "../pd/connectors.ts";
import type { ServerEntry } from "../routing/table.ts";
import { matchRoute } from "../routing/table.ts";
import { SchedulingError } from "../scheduling/scheduler.ts";
import { proxyAttempt } from "../upstream/dispatch.ts";
import type { AttemptFailure } from "../upstream/proxy.ts";
import { isFailure, relay, upstreamHeaders } from "../upstream/proxy.ts";
import type { Router } from "../router.ts";
import { readBody } from "./body.ts";
import { ROUTER_ERRORS, RouterError, errorBody } from "./errors.ts";
import { parseRequestJson } from "./json-body.ts";
import type { RouterErrorCode } from "./errors.ts";
import { RequestState } from "./request-state.ts";

const kState = Symbol("tessera.requestState");

interface ResWithState extends ServerResponse {
  [kState]?: RequestState;
}

/** Client went away before the response finished: cancel everything upstream. */
function onResClose(this: ResWithState): void {
  const st = this[kState];
  if (st !== undefined && !this.writableFinished) {
    st.clientGone = true;
    st.ac.abort();
  }
}

function eligible(eps: readonly EndpointState[]): readonly EndpointState[] {
  let out: EndpointState[] | null = null;
  for (let i = 0; i < eps.length; i++) {
    const ep = eps[i] as EndpointState;
    if (!ep.healthy) out ??= eps.slice(0, i);
    else if (out !== null) out.push(ep);
  }
  // Nothing healthy: better to try than to refuse (health may be lagging).
  return out === null || out.length === 0 ? eps : out;
}

export async function handleInference(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  kind: ApiKind,
  path: string,
): Promise<void> {
  const t0 = performance.now();
  const rid = req.headers["x-request-id"];
  const requestId = typeof rid === "string" && rid !== "" ? rid : crypto.randomUUID();
  const st = new RequestState(
    requestId,
    kind,
    req.method ?? "POST",
    path,
    `HTTP/${req.httpVersion}`,
    req.headers,
    res,
    t0,
  );
  (res as ResWithState)[kState] = st;
  res.on("close", onResClose);
  router.metrics.activeRequests.inc();
  router.inFlightRequests++;
  try {
    await serve(router, req, st);
  } catch (err) {
    onError(router, st, err);
  } finally {
    router.metrics.activeRequests.dec();
    router.inFlightRequests--;
    finish(router, st);
  }
}

/** Records who an admitter identified, for logs, metrics and the usage record. */
function identify(st: RequestState, c: IdentifiedCaller): void {
  if (c.tenant !== null) st.tenant = c.tenant;
  if (c.apiKey !== null) st.apiKey = c.apiKey;
  if (c.credential != null && st.credential === null) st.credential = c.credential;
}

async function serve(router: Router, req: IncomingMessage, st: RequestState): Promise<void> {
  if (router.draining) throw new RouterError("shutting_down", "router is shutting down");
  const raw = await readBody(req, router.options.bodyLimitBytes, router.options.bodyTimeoutMs);
  let parsed: unknown;
  try {
    parsed = parseRequestJson(raw.toString("utf8"));
  } catch (err) {
    throw new RouterError(
      "invalid_json",
      `request body is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RouterError("invalid_body", "request body must be a JSON object");
  }
  const body = parsed as Record<string, unknown>;
  const model = body.model;
  if (typeof model !== "string" || model === "")
    throw new RouterError("model_required", "`model` must be a non-empty string");
  st.requestedModel = model;
  st.targetModel = model;
  st.body = body;
  st.stream = body.stream === true;

  if (router.admitters !== null) {
    const input = {
      requestId: st.requestId,
      model,
      headers: st.headers,
      estimatedInputTokens: Math.ceil(st.promptText().length / 4),
      body,
      promptText: () => st.promptText(),
      signal: st.ac.signal,
    };
    for (const a of router.admitters) {
      const r = await a.admit(input);
      if (r === null) continue;
      if ("end" in r) {
        (st.admissions ??= []).push(r);
        identify(st, r);
        continue;
      }
      if (r.caller !== undefined) identify(st, r.caller);
      // A denial's own code when it is one of the router's (tenancy uses these), else generic.
      const code: RouterErrorCode = Object.hasOwn(ROUTER_ERRORS, r.code)
        ? (r.code as RouterErrorCode)
        : "admission_denied";
      throw new RouterError(code, r.message, r.status, { headers: r.headers });
    }
  }

  const table = router.table;
  const m = matchRoute(table, model, st.headers, st.path, router.random);
  if (m === null) {
    throw new RouterError(
      "model_not_found",
      table.byModel.has(model) || table.byLora.has(model)
        ? `no rule of the ModelRoutes for "${model}" matches the request`
        : `model "${model}" not found`,
    );
  }
  st.modelLabel = model;
  st.routeKey = m.route.key;
  const server = m.server;
  if (server === null)
    throw new RouterError("model_server_not_found", `${m.missingTarget ?? "target"} not found`);
  st.serverName = server.key;
  st.modelServer = server.key;
  st.isLora = m.isLora;

  // Rewrite model and inject usage reporting; re-serialise only when something changed.
  let changed = false;
  if (!m.isLora && server.model !== null && server.model !== model) {
    body.model = server.model;
    st.targetModel = server.model;
    changed = true;
  }
  if (st.stream) {
    const so = body.stream_options;
    const wants =
      typeof so === "object" &&
      so !== null &&
      (so as { include_usage?: unknown }).include_usage === true;
    if (!wants) {
      body.stream_options = {
        ...(typeof so === "object" && so !== null ? so : {}),
        include_usage: true,
      };
      st.strip = true;
      changed = true;
    }
  }
  st.ttftTimer = router.metrics.ttft.labels(st.modelLabel);
  st.itlTimer = router.metrics.interTokenLatency.labels(st.modelLabel);
  const headers = upstreamHeaders(st.headers, st.requestId);
  const timeoutMs = server.timeoutMs > 0 ? server.timeoutMs : router.options.upstreamTimeoutMs;

  if (server.pd !== null) {
    await servePd(router, st, server, headers, timeoutMs);
    return;
  }
  const payload: Buffer | string = changed ? JSON.stringify(body) : raw;
  const eps = eligible(server.endpoints);
  if (eps.length === 0)
    throw new RouterError("no_ready_endpoint", `no ready endpoint for ModelServer ${server.key}`);
  const candidates = await schedule(router, st, "default", eps);
  await serveAggregated(
    router,
    st,
    server,
    "default",
    candidates,
    null,
    payload,
    headers,
    timeoutMs,
  );
}

/**
 * One aggregated request (an engine that prefills and decodes): tries the profile's candidates in
 * order (with the ModelServer's retry policy) until one answers. With `prefillTokens` (the PD
 * decider's "local" answer, per candidate) each attempt charges the endpoint's uncached prompt
 * tokens to the prefill ledger until the first streamed token, or the end of a non-streamed answer.
 */
async function serveAggregated(
  router: Router,
  st: RequestState,
  server: ServerEntry,
  profileName: string,
  candidates: readonly Endpoint[],
  prefillTokens: readonly number[] | null,
  payload: Buffer | string,
  headers: Record<string, string | string[]>,
  timeoutMs: number,
): Promise<void> {
  const profile = router.scheduler.profile(profileName);
  const maxAttempts = server.retry !== null ? server.retry.attempts + 1 : candidates.length;
  let last: AttemptFailure | null = null;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const k = attempt % candidates.length;
    const ep = candidates[k] as EndpointState;
    if (attempt > 0) {
      router.metrics.retries.inc({ server: server.key, reason: last?.kind ?? "unknown" });
      if (server.retry !== null && server.retry.intervalMs > 0)
        await sleep(server.retry.intervalMs, undefined, { signal: st.ac.signal });
    }
    st.attempts++;
    st.selected = ep.id;
    if (st.tDispatch === 0) st.tDispatch = performance.now();
    const tA = performance.now();
    const release =
      prefillTokens === null ? null : router.pd.ledger.add(ep.id, prefillTokens[k] ?? 0);
    st.onFirstEvent = release;
    ep.inFlight++;
    profile.preRequest(st, ep);
    router.metrics.activeUpstream.inc();
    let ok = false;
    try {
      const r = await proxyAttempt(router.pools, ep, st, {
        path: st.path,
        headers,
        payload,
        timeoutMs,
        signal: st.ac.signal,
      });
      if (r !== null) {
        if (r.kind === "aborted" || st.clientGone)
          throw new RouterError("upstream_unavailable", "client closed the request");
        last = r;
        continue;
      }
      ok = (st.upstreamStatus ?? 0) < 400;
      router.metrics.upstreamDuration
        .labels(server.key, "aggregated")
        .observe((performance.now() - tA) / 1000);
      return;
    } finally {
      release?.();
      st.onFirstEvent = null;
      ep.inFlight--;
      router.metrics.activeUpstream.dec();
      profile.postResponse(st, ep, ok);
    }
  }
  allFailed(st, last);
}

async function schedule(
  router: Router,
  st: RequestState,
  profile: string,
  eps: readonly Endpoint[],
): Promise<Endpoint[]> {
  try {
    const picked = await router.scheduler.profile(profile).run(st, eps, router.decisions);
    if (picked.length === 0) throw new SchedulingError("picker", "picker returned no endpoint");
    return picked;
  } catch (err) {
    if (err instanceof SchedulingError)
      throw new RouterError("scheduling_failed", err.message, undefined, { cause: err });
    throw err;
  }
}

/** Every attempt failed before bytes reached the client. */
function allFailed(st: RequestState, last: AttemptFailure | null): never {
  if (last !== null && last.kind === "status" && last.body !== null) {
    // Forward the last engine error as is: it is the most informative answer.
    st.upstreamStatus = last.status;
    st.fail("upstream_unavailable", last.message, "upstream");
    st.status = last.status;
    st.res.writeHead(last.status, {
      "content-type": String(last.headers?.["content-type"] ?? "application/json"),
      "x-request-id": st.requestId,
    });
    st.res.end(last.body);
    throw new Handled();
  }
  if (last?.kind === "timeout")
    throw new RouterError("upstream_timeout", `upstream timed out: ${last.message}`);
  throw new RouterError(
    "upstream_unavailable",
    `all upstream attempts failed: ${last?.message ?? "no attempt"}`,
  );
}

class Handled extends Error {}

async function servePd(
  router: Router,
  st: RequestState,
  server: ServerEntry,
  headers: Record<string, string | string[]>,
  timeoutMs: number,
): Promise<void> {
  const pd = server.pd;
  if (pd === null) return;
  const decodeEps = eligible(pd.decode);
  if (decodeEps.length === 0)
    throw new RouterError(
      "no_ready_endpoint",
      `no ready decode endpoint for ModelServer ${server.key}`,
    );
  const decodes = await schedule(router, st, "decode", decodeEps);
  // The prefill endpoint of one decode endpoint's group, by the prefill profile (null: none).
  const prefillFor = async (d: Endpoint): Promise<EndpointState | null> => {
    const group = pd.groupOf.get(d.id);
    const g = group === undefined ? undefined : pd.groups.get(group);
    if (g === undefined || g.prefill.length === 0) return null;
    try {
      const best = await router.scheduler
        .profile("prefill")
        .run(st, eligible(g.prefill), router.decisions);
      return (best[0] as EndpointState | undefined) ?? null;
    } catch (err) {
      if (err instanceof SchedulingError) return null;
      throw err;
    }
  };
  const first = router.pd.needsPrefill(server.key)
    ? await prefillFor(decodes[0] as Endpoint)
    : null;
  const choice = await router.pd.decide(
    router.scheduler,
    st,
    server.key,
    decodes,
    first,
    router.handle.now(),
    router.decisions,
  );
  if (!choice.remote) {
    // Served by the decode engines alone, as an aggregated request without kv_transfer params.
    const payload = JSON.stringify(st.body);
    await serveAggregated(
      router,
      st,
      server,
      "decode",
      decodes,
      choice.decodeUncached,
      payload,
      headers,
      timeoutMs,
    );
    return;
  }
  const pairs: PdPair[] = [];
  for (const [i, d] of decodes.entries()) {
    const p = i === 0 && first !== null ? first : await prefillFor(d);
    if (p !== null) pairs.push({ prefill: p, decode: d as EndpointState });
  }
  if (pairs.length === 0)
    throw new RouterError(
      "no_ready_endpoint",
      `no prefill endpoint shares a PD group with a decode endpoint of ${server.key}`,
    );

  const connector = connectorFor(server.connector);
  // Prefill tokens charged to the prefill endpoint until its prefill settles (not for `always`,
  // which keeps the router's pre-decider behaviour and reads no accounting).
  const account = choice.params.decider !== "always";
  const maxAttempts =
    server.retry !== null ? Math.min(pairs.length, server.retry.attempts + 1) : pairs.length;
  let last: AttemptFailure | null = null;
  for (let i = 0; i < maxAttempts; i++) {
    const pair = pairs[i] as PdPair;
    if (i > 0) {
      router.metrics.retries.inc({ server: server.key, reason: `pd_${last?.kind ?? "unknown"}` });
      if (server.retry !== null && server.retry.intervalMs > 0)
        await sleep(server.retry.intervalMs, undefined, { signal: st.ac.signal });
    }
    const tokens =
      i === 0
        ? (choice.prefillUncached ?? choice.decodeUncached[0] ?? 0)
        : (choice.decodeUncached[decodes.indexOf(pair.decode)] ?? 0);
    const release = account ? router.pd.ledger.add(pair.prefill.id, tokens) : undefined;
    const cx: PdContext = {
      pools: router.pools,
      metrics: router.metrics,
      serverName: server.key,
      path: st.path,
      headers,
      body: st.body,
      timeoutMs,
      signal: st.ac.signal,
      random: router.random,
      onPrefillDone: release,
    };
    st.attempts++;
    st.selected = pair.decode.id;
    st.prefill = pair.prefill.id;
    if (st.tDispatch === 0) st.tDispatch = performance.now();
    const tA = performance.now();
    pair.decode.inFlight++;
    const pre = router.scheduler;
    pre.profile("decode").preRequest(st, pair.decode);
    pre.profile("prefill").preRequest(st, pair.prefill);
    router.metrics.activeUpstream.inc();
    let ok = false;
    try {
      const r = await connector(cx, pair);
      if (isFailure(r)) {
        if (st.clientGone)
          throw new RouterError("upstream_unavailable", "client closed the request");
        last = r;
        continue;
      }
      await relay(st, r);
      ok = r.statusCode < 400;
      const dt = (performance.now() - tA) / 1000;
      router.metrics.decodeDuration.observe(
        { server: server.key, connector: server.connector },
        dt,
      );
      router.metrics.upstreamDuration.labels(server.key, "pd").observe(dt);
      return;
    } finally {
      release?.();
      pair.decode.inFlight--;
      router.metrics.activeUpstream.dec();
      const post = router.scheduler;
      post.profile("decode").postResponse(st, pair.decode, ok);
      post.profile("prefill").postResponse(st, pair.prefill, ok);
    }
  }
  if (last !== null && last.kind === "status" && last.body !== null) allFailed(st, last);
  throw new RouterError(
    "pd_failed",
    `all prefill/decode pairs failed: ${last?.message ?? "no pair"}`,
  );
}

function onError(router: Router, st: RequestState, err: unknown): void {
  if (err instanceof Handled) return;
  const res = st.res;
  if (st.clientGone) {
    st.fail("upstream_unavailable", "client closed the request", "client");
    st.status = 499;
    return;
  }
  if (err instanceof RouterError) {
    st.fail(
      err.code,
      err.message,
      err.code.startsWith("upstream") || err.code === "pd_failed" ? "upstream" : "router",
    );
  } else {
    st.fail("internal_error", (err as Error).message ?? String(err), "router");
    router.logger.error({ err, requestId: st.requestId }, "request failed");
  }
  if (res.headersSent) {
    // Committed to an upstream that broke midway: all we can do is cut the response.
    st.status = st.status || 502;
    res.destroy();
    return;
  }
  const code = st.errorCode ?? "internal_error";
  const status = err instanceof RouterError ? err.status : 500;
  st.status = status;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-request-id": st.requestId,
  };
  if (code === "body_too_large" || code === "request_timeout") headers.connection = "close";
  if (err instanceof RouterError && err.headers !== null) Object.assign(headers, err.headers);
  res.writeHead(status, headers);
  res.end(errorBody(code, st.errorMessage ?? ""));
}

const STATUS_TEXT = new Map<number, string>();
function statusText(s: number): string {
  let t = STATUS_TEXT.get(s);
  if (t === undefined) {
    t = String(s);
    STATUS_TEXT.set(s, t);
  }
  return t;
}

/** The API stores at most this much of a client's x-request-id (usage_records.client_request_id). */
const CLIENT_REQUEST_ID_MAX = 128;

function clientRequestIdOf(headers: IncomingHttpHeaders): string | null {
  const rid = headers["x-request-id"];
  return typeof rid === "string" && rid !== "" ? rid.slice(0, CLIENT_REQUEST_ID_MAX) : null;
}

function finish(router: Router, st: RequestState): void {
  const now = performance.now();
  const status = st.status || (st.clientGone ? 499 : 0);
  const m = router.metrics;
  const route = st.routeKey ?? "";
  const server = st.serverName ?? "";
  m.requests.labels(st.modelLabel, route, server, statusText(status), st.errorCode ?? "").inc();
  m.requestDuration.labels(st.modelLabel, server).observe((now - st.t0) / 1000);
  const usage = st.usage;
  if (st.admissions !== null) {
    const u = usage === null ? null : { input: usage.promptTokens, output: usage.completionTokens };
    for (const a of st.admissions) {
      try {
        a.end(u, status);
      } catch (err) {
        router.logger.warn({ err }, "admission settle failed");
      }
    }
  }
  if (usage !== null) {
    m.tokens.labels(st.modelLabel, "input").inc(usage.promptTokens);
    m.tokens.labels(st.modelLabel, "output").inc(usage.completionTokens);
  }
  const tDispatch = st.tDispatch || now;
  const tHeaders = st.tHeaders || (st.tDispatch ? now : tDispatch);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  router.accessLog.write({
    timestamp: new Date(st.startedAt).toISOString(),
    method: st.method,
    path: st.path,
    protocol: st.protocol,
    status_code: status,
    error: st.errorCode === null ? null : { type: st.errorCode, message: st.errorMessage ?? "" },
    model_name: st.requestedModel || null,
    model_route: st.routeKey,
    model_server: st.serverName,
    selected_pod: st.selected,
    prefill_pod: st.prefill,
    request_id: st.requestId,
    backend_type: st.serverName === null ? null : "ModelServer",
    backend_name: st.serverName,
    upstream_model: st.serverName === null ? null : st.targetModel,
    upstream_status_code: st.upstreamStatus,
    upstream_attempts: st.attempts,
    error_origin: st.errorOrigin,
    gateway: null,
    http_route: null,
    inference_pool: null,
    input_tokens: usage?.promptTokens ?? 0,
    output_tokens: usage?.completionTokens ?? 0,
    stream: st.stream,
    tenant: st.tenant,
    api_key: st.apiKey,
    duration_total: round(now - st.t0),
    duration_request_processing: round(tDispatch - st.t0),
    duration_upstream_processing: round(tHeaders - tDispatch),
    duration_response_processing: round(st.tHeaders ? now - st.tHeaders : 0),
  });
  if (router.usageHooks !== null && (st.serverName !== null || st.tenant !== null)) {
    const clientRequestId = clientRequestIdOf(st.headers);
    const rec: UsageRecord = {
      // A client's x-request-id may repeat, so it never keys usage; without one, st.requestId is
      // the fresh UUID the router made when the request arrived.
      requestId: clientRequestId === null ? st.requestId : crypto.randomUUID(),
      clientRequestId,
      startedAt: st.startedAt,
      tenant: st.tenant,
      apiKey: st.apiKey,
      credential: st.credential,
      model: st.requestedModel,
      servedModel: st.serverName === null ? null : st.targetModel,
      modelRoute: route,
      modelServer: server,
      endpoint: st.selected ?? "",
      statusCode: status,
      inputTokens: usage?.promptTokens ?? 0,
      outputTokens: usage?.completionTokens ?? 0,
      cachedInputTokens: usage?.cachedTokens ?? 0,
      ttftMs:
        st.firstEventAt > 0
          ? st.firstEventAt - st.t0
          : st.tHeaders > 0
            ? st.tHeaders - st.t0
            : null,
      durationMs: now - st.t0,
    };
    for (const h of router.usageHooks) {
      try {
        h.onUsage(rec);
      } catch (err) {
        router.logger.warn({ err, hook: h.name }, "usage hook failed");
      }
    }
  }
}
