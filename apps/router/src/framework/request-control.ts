// Admission and usage seams. The tenancy admitter (src/tenancy) implements both: it authenticates,
// reserves quota and returns an Admission whose settle/release the server calls as the request
// progresses and ends. The server resolves the arrays at boot and skips them entirely when empty.
import type { IncomingHttpHeaders } from "node:http";

export interface AdmissionInput {
  readonly requestId: string;
  readonly model: string;
  readonly headers: IncomingHttpHeaders;
  /** Rough input-token estimate (ceil(chars / 4)). */
  readonly estimatedInputTokens: number;
  /** The parsed request body (read-only). */
  readonly body: Readonly<Record<string, unknown>>;
  /** The prompt text (chat messages or completion prompt), computed once. */
  promptText(): string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/** Token usage of one request so far (or in total). */
export interface AdmissionUsage {
  readonly input: number;
  readonly output: number;
}

/** How an admitter identified the caller: an API key (its id), or a verified JWT. */
export type Credential =
  | { readonly type: "apiKey"; readonly id: string }
  | { readonly type: "jwt"; readonly subject: string; readonly issuer?: string };

/** An admitted request's hold on quota, plus its identity for metrics, logs and usage. */
export interface Admission {
  readonly tenant: string | null;
  /** Caller id for logs and metrics (key id, or "jwt:<sub>"). */
  readonly apiKey: string | null;
  /** The caller, typed, for usage records (absent: the admitter does not identify callers). */
  readonly credential?: Credential | null;
  /** Output produced so far during a stream (≈ events): charge it incrementally. */
  progress?(outputSoFar: number): void;
  /** Request ended: settle to actual usage (`null`: unknown, charge only what was observed). */
  end(usage: AdmissionUsage | null, status: number): void;
}

/** Who an admitter identified: a refusal after identification still belongs to this caller. */
export type IdentifiedCaller = Pick<Admission, "tenant" | "apiKey" | "credential">;

/** A denial is returned as an OpenAI-style error with the given status (e.g. 401, 429). */
export interface AdmissionDenial {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra response headers (Retry-After, x-ratelimit-*). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The caller, when the refusal came after it was identified (a quota, a rate limit, the fair
   * queue): the request then gets a usage record like any other, so refusals are metered and shown
   * to the tenant instead of vanishing. Absent for authentication failures (nobody to charge).
   */
  readonly caller?: IdentifiedCaller;
}

export interface Admitter {
  readonly name: string;
  /** Returns null (or an Admission) to admit, a denial to refuse. */
  admit(
    input: AdmissionInput,
  ): AdmissionDenial | Admission | null | Promise<AdmissionDenial | Admission | null>;
}

export interface UsageRecord {
  /**
   * The router's id for the request, unique per request: usage ingest is idempotent by it, so it
   * must never be the client's x-request-id, which clients may reuse. It is the x-request-id the
   * router sent upstream when the client sent none.
   */
  readonly requestId: string;
  /** The client's x-request-id (at most 128 characters), for correlation; null if none was sent. */
  readonly clientRequestId: string | null;
  /** When the request arrived (epoch ms, router clock); it ended durationMs later. */
  readonly startedAt: number;
  /** Set when an admitter identified the caller (tenancy). */
  readonly tenant: string | null;
  readonly apiKey: string | null;
  readonly credential: Credential | null;
  /** The model the client asked for. */
  readonly model: string;
  /** The model sent upstream after the ModelRoute/ModelServer rewrite; null if never routed. */
  readonly servedModel: string | null;
  readonly modelRoute: string;
  readonly modelServer: string;
  readonly endpoint: string;
  readonly statusCode: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /** Time to first token (streams) or to response headers; null if none arrived. */
  readonly ttftMs: number | null;
  readonly durationMs: number;
}

export interface UsageHook {
  readonly name: string;
  onUsage(record: UsageRecord): void;
}
