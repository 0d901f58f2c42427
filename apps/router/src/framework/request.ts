import type { IncomingHttpHeaders } from "node:http";

export type ApiKind = "chat" | "completion";

/**
 * What the scheduler knows about one inference request. Built once per request by the server;
 * `promptText()` is computed lazily and cached because only some plugins need it.
 */
export interface InferenceRequest {
  readonly requestId: string;
  readonly kind: ApiKind;
  /** `model` as the client sent it. */
  readonly requestedModel: string;
  /** `model` as sent upstream (ModelServer.spec.model unless LoRA). */
  readonly targetModel: string;
  /** True when the request names a LoRA adapter (the LoRA index matched). */
  readonly isLora: boolean;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (after the model rewrite). */
  readonly body: Record<string, unknown>;
  /** ModelServer key `namespace/name` the request was routed to. */
  readonly modelServer: string;
  /** Per-request scratch space for plugins (e.g. block hashes computed in score, reused after the response). */
  readonly memo: Record<string, unknown>;
  /** Prompt flattened to text (ChatML-like for chat messages). */
  promptText(): string;
}
