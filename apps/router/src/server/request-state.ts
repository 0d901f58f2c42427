// Per-request state. One object with a fixed shape per request: it is the InferenceRequest the
// scheduler sees, the SSE sink the relay writes through, and the record the access log and metrics
// are built from at the end.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { HistogramChild } from "../metrics/fast.ts";
import type { ApiKind, InferenceRequest } from "../framework/request.ts";
import type { Admission, Credential } from "../framework/request-control.ts";
import type { SseSink, Usage } from "../upstream/sse.ts";
import type { RouterErrorCode } from "./errors.ts";
import { chatPromptText, completionPromptText } from "./prompt.ts";

const EMPTY_BODY: Record<string, unknown> = Object.freeze({});

export class RequestState implements InferenceRequest, SseSink {
  readonly requestId: string;
  readonly kind: ApiKind;
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly path: string;
  readonly protocol: string;
  readonly res: ServerResponse;
  readonly ac = new AbortController();
  /** performance.now() at arrival */
  readonly t0: number;
  readonly startedAt: number;
  requestedModel = "";
  targetModel = "";
  isLora = false;
  body: Record<string, unknown> = EMPTY_BODY;
  modelServer = "";
  memo: Record<string, unknown> = {};
  /** Model label for metrics: the requested model when a route knows it, else "unknown". */
  modelLabel = "unknown";
  routeKey: string | null = null;
  serverName: string | null = null;
  selected: string | null = null;
  prefill: string | null = null;
  upstreamStatus: number | null = null;
  attempts = 0;
  stream = false;
  strip = false;
  clientGone = false;
  needDrain = false;
  status = 0;
  errorCode: RouterErrorCode | null = null;
  errorMessage: string | null = null;
  errorOrigin: "router" | "upstream" | "client" | null = null;
  usage: Usage | null = null;
  /** Holds from admitters (tenancy): settled in finish(). */
  admissions: Admission[] | null = null;
  tenant: string | null = null;
  apiKey: string | null = null;
  /** The typed caller for usage records (from an admission, or from a refusal that named it). */
  credential: Credential | null = null;
  outEvents = 0;
  tDispatch = 0;
  tHeaders = 0;
  tEnd = 0;
  firstEventAt = 0;
  lastEventAt = 0;
  ttftTimer: HistogramChild | null = null;
  /** Called once, at the first streamed event (e.g. the PD decider's prefill ledger release). */
  onFirstEvent: (() => void) | null = null;
  itlTimer: HistogramChild | null = null;
  #prompt: string | null = null;

  constructor(
    requestId: string,
    kind: ApiKind,
    method: string,
    path: string,
    protocol: string,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
    t0: number,
  ) {
    this.requestId = requestId;
    this.kind = kind;
    this.method = method;
    this.path = path;
    this.protocol = protocol;
    this.headers = headers;
    this.res = res;
    this.t0 = t0;
    this.startedAt = Date.now();
  }

  promptText(): string {
    if (this.#prompt === null) {
      this.#prompt =
        this.kind === "chat"
          ? chatPromptText(this.body.messages)
          : completionPromptText(this.body.prompt);
    }
    return this.#prompt;
  }

  write(chunk: Buffer): void {
    if (!this.res.write(chunk)) this.needDrain = true;
  }

  onEvent(now: number): void {
    if (this.firstEventAt === 0) {
      this.firstEventAt = now;
      this.ttftTimer?.observe((now - this.t0) / 1000);
      this.onFirstEvent?.();
    } else {
      this.itlTimer?.observe((now - this.lastEventAt) / 1000);
    }
    this.lastEventAt = now;
    // Charge streamed output as it is produced (≈ one token per event), every 32 events.
    if (this.admissions !== null && (++this.outEvents & 31) === 0)
      for (const a of this.admissions) a.progress?.(this.outEvents);
  }

  fail(code: RouterErrorCode, message: string, origin: "router" | "upstream" | "client"): void {
    this.errorCode = code;
    this.errorMessage = message;
    this.errorOrigin = origin;
  }
}
