// The aggregated proxy path on undici's dispatch API: one handler object per attempt receives the
// response head and body chunks as callbacks and writes them straight to the client, with no
// intermediate Readable stream, async iterator or promise per chunk. Backpressure pauses the
// upstream through the dispatch controller until the client socket drains.
//
// An attempt resolves to null once the response was relayed to the end, or to an AttemptFailure
// when it failed before any byte reached the client (refused/reset, header timeout, 429/5xx, whose
// small body is kept for forwarding). A failure after the response head was written rejects: the
// request is committed to that endpoint and the caller can only cut the response.
import type { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import type { EndpointState } from "../endpoints/pool.ts";
import type { RequestState } from "../server/request-state.ts";
import type { AttemptFailure, SendOptions } from "./proxy.ts";
import { CONNECT_FAILURE_COOLDOWN_MS, classifyError, clientHeaders } from "./proxy.ts";
import type { UpstreamPools } from "./pools.ts";
import { SseRelay, usageFromJson } from "./sse.ts";
import type { SseSink } from "./sse.ts";

const USAGE_CAPTURE_LIMIT = 4 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const PRECISE_TIMEOUT_BELOW_MS = 10_000;

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

function onPreciseTimeout(h: AttemptHandler): void {
  h.timedOut = true;
  h.controller?.abort(new TimeoutError("upstream header timeout"));
}

function flushSse(h: AttemptHandler): void {
  h.flushSse();
}

class AttemptHandler implements Dispatcher.DispatchHandler, SseSink {
  readonly st: RequestState;
  readonly ep: EndpointState;
  readonly resolve: (r: AttemptFailure | null) => void;
  readonly reject: (e: Error) => void;
  controller: Dispatcher.DispatchController | null = null;
  timer: NodeJS.Timeout | null = null;
  timedOut = false;
  committed = false;
  settled = false;
  failStatus = 0;
  failHeaders: IncomingHttpHeaders | null = null;
  errChunks: Buffer[] | null = null;
  errSize = 0;
  sse: SseRelay | null = null;
  /** SSE bytes relayed this tick, not yet written (see flushSse). */
  readonly sseOut: Buffer[] = [];
  sseFlushQueued = false;
  pending: Buffer | null = null;
  captured: Buffer[] | null = null;
  capturedSize = 0;

  constructor(
    st: RequestState,
    ep: EndpointState,
    resolve: (r: AttemptFailure | null) => void,
    reject: (e: Error) => void,
  ) {
    this.st = st;
    this.ep = ep;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Client went away: abort the upstream request. */
  readonly onClientAbort = (): void => {
    this.controller?.abort(
      this.st.ac.signal.reason instanceof Error
        ? this.st.ac.signal.reason
        : new Error("client closed"),
    );
  };

  // The handler is the SSE relay's sink: events are timed and charged at once, their bytes leave at
  // the end of the tick (flushSse).
  write(b: Buffer): void {
    this.sseOut.push(b);
    if (!this.sseFlushQueued) {
      this.sseFlushQueued = true;
      process.nextTick(flushSse, this);
    }
  }

  onEvent(now: number): void {
    this.st.onEvent(now);
  }

  /**
   * Writes what the relay passed this tick as one buffer. Holding it to the end of the tick (never
   * longer) lets a stream whose last bytes and end arrive in one read, as short streams do, leave
   * with its chunked-encoding terminator in one write instead of two or three.
   */
  flushSse(): void {
    this.sseFlushQueued = false;
    const st = this.st;
    const b = this.#takeSse();
    if (b === null || st.res.writableEnded || st.res.destroyed) return;
    st.write(b);
    if (st.needDrain && this.controller !== null) {
      st.needDrain = false;
      this.controller.pause();
      st.res.once("drain", this.onDrain);
    }
  }

  readonly onDrain = (): void => {
    this.controller?.resume();
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.st.ac.signal.aborted) controller.abort(new Error("client closed"));
    else if (this.timedOut) controller.abort(new TimeoutError("upstream header timeout"));
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (statusCode === 429 || statusCode >= 500) {
      this.failStatus = statusCode;
      this.failHeaders = headers;
      this.errChunks = [];
      return;
    }
    const st = this.st;
    st.upstreamStatus = statusCode;
    st.tHeaders = performance.now();
    const isSse = st.stream && String(headers["content-type"] ?? "").includes("text/event-stream");
    st.res.writeHead(statusCode, clientHeaders(headers, st.requestId, isSse));
    st.status = statusCode;
    this.committed = true;
    if (isSse) this.sse = new SseRelay(st.strip);
    else this.captured = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.failStatus !== 0) {
      if (this.errChunks !== null) {
        this.errSize += chunk.length;
        if (this.errSize > ERROR_BODY_LIMIT) this.errChunks = null;
        else this.errChunks.push(chunk);
      }
      return;
    }
    const st = this.st;
    if (this.sse !== null) {
      this.sse.push(chunk, this, performance.now());
    } else {
      // Each chunk goes out when the next arrives; the last leaves with end() (one write for small JSON).
      if (this.pending !== null) st.write(this.pending);
      this.pending = chunk;
      if (this.captured !== null) {
        this.capturedSize += chunk.length;
        if (this.capturedSize > USAGE_CAPTURE_LIMIT) this.captured = null;
        else this.captured.push(chunk);
      }
    }
    if (st.needDrain) {
      st.needDrain = false;
      controller.pause();
      st.res.once("drain", this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.#cleanup();
    if (this.failStatus !== 0) {
      const body = this.errChunks === null ? null : Buffer.concat(this.errChunks, this.errSize);
      this.#settle({
        kind: "status",
        message: `${this.ep.id}: HTTP ${this.failStatus}`,
        status: this.failStatus,
        headers: this.failHeaders,
        body,
      });
      return;
    }
    const st = this.st;
    if (this.sse !== null) {
      this.sse.end(this);
      st.usage = this.sse.usage;
      st.tEnd = performance.now();
      const rest = this.#takeSse();
      if (rest !== null) st.res.end(rest);
      else st.res.end();
    } else {
      if (this.captured !== null && (st.upstreamStatus ?? 0) < 300) {
        st.usage = usageFromJson(
          this.captured.length === 1
            ? (this.captured[0] as Buffer)
            : Buffer.concat(this.captured, this.capturedSize),
        );
      }
      st.tEnd = performance.now();
      if (this.pending !== null) st.res.end(this.pending);
      else st.res.end();
    }
    this.#settle(null);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.#cleanup();
    if (this.committed) {
      // What arrived before the failure still goes to the client before the caller cuts it.
      if (this.sseOut.length > 0) this.flushSse();
      if (!this.settled) {
        this.settled = true;
        this.reject(err);
      }
      return;
    }
    const kind = this.timedOut
      ? "timeout"
      : this.st.ac.signal.aborted
        ? "aborted"
        : classifyError(err);
    if (kind === "connect") this.ep.unhealthyUntil = Date.now() + CONNECT_FAILURE_COOLDOWN_MS;
    this.#settle({
      kind,
      message: `${this.ep.id}: ${err.message}`,
      status: 0,
      headers: null,
      body: null,
    });
  }

  /** The SSE bytes held this tick as one buffer (null when none). */
  #takeSse(): Buffer | null {
    const out = this.sseOut;
    if (out.length === 0) return null;
    const b = out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
    out.length = 0;
    return b;
  }

  #cleanup(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.st.ac.signal.removeEventListener("abort", this.onClientAbort);
    this.st.res.off("drain", this.onDrain);
  }

  #settle(r: AttemptFailure | null): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(r);
  }
}

/**
 * One attempt on the aggregated path: dispatch to `ep` and relay the response to the client.
 * Resolves null when relayed, or a failure from before the commit; rejects after the commit.
 */
export function proxyAttempt(
  pools: UpstreamPools,
  ep: EndpointState,
  st: RequestState,
  o: SendOptions,
): Promise<AttemptFailure | null> {
  if (ep.removed)
    return Promise.resolve({
      kind: "connect",
      message: `${ep.id}: endpoint removed`,
      status: 0,
      headers: null,
      body: null,
    });
  const { promise, resolve, reject } = Promise.withResolvers<AttemptFailure | null>();
  const h = new AttemptHandler(st, ep, resolve, reject);
  const precise = o.timeoutMs > 0 && o.timeoutMs < PRECISE_TIMEOUT_BELOW_MS;
  if (precise) h.timer = setTimeout(onPreciseTimeout, o.timeoutMs, h);
  st.ac.signal.addEventListener("abort", h.onClientAbort, { once: true });
  try {
    pools.get(ep.origin).dispatch(
      {
        method: "POST",
        path: o.path,
        headers: o.headers,
        body: o.payload,
        headersTimeout: precise ? 0 : o.timeoutMs,
        bodyTimeout: 0,
      },
      h,
    );
  } catch (err) {
    h.onResponseError(h.controller as Dispatcher.DispatchController, err as Error);
  }
  return promise;
}
