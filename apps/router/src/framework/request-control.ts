// Seams for the later tenancy / quota / rate-limit issue. Nothing implements them yet; the server
// resolves the arrays at boot and skips them entirely when empty.
import type { IncomingHttpHeaders } from "node:http";

export interface AdmissionInput {
  readonly requestId: string;
  readonly model: string;
  readonly headers: IncomingHttpHeaders;
  /** Rough input-token estimate (ceil(chars / 4)). */
  readonly estimatedInputTokens: number;
}

/** A denial is returned as an OpenAI-style error with the given status (e.g. 401, 429). */
export interface AdmissionDenial {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface Admitter {
  readonly name: string;
  /** Returns null to admit. */
  admit(input: AdmissionInput): AdmissionDenial | null | Promise<AdmissionDenial | null>;
}

export interface UsageRecord {
  readonly requestId: string;
  /** Placeholders until tenancy lands. */
  readonly tenant: string | null;
  readonly apiKey: string | null;
  readonly model: string;
  readonly modelRoute: string;
  readonly modelServer: string;
  readonly endpoint: string;
  readonly statusCode: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly durationMs: number;
}

export interface UsageHook {
  readonly name: string;
  onUsage(record: UsageRecord): void;
}
