// The three engines imitated, and how each shapes its error responses.

export type EngineKind = "vllm" | "sglang" | "tgi";

export interface HttpError {
  status: number;
  body: unknown;
}

export type ErrorKind = "bad_request" | "not_found" | "server" | "unavailable";

const VLLM_TYPES: Record<ErrorKind, string> = {
  bad_request: "BadRequestError",
  not_found: "NotFoundError",
  server: "InternalServerError",
  unavailable: "ServiceUnavailableError",
};
const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  not_found: 404,
  server: 500,
  unavailable: 503,
};

/**
 * vLLM (≥ 0.10): `{"error": {"message", "type", "param", "code"}}`.
 * SGLang: the older flat vLLM shape `{"object": "error", "message", "type", "param", "code"}`.
 * TGI: `{"error": "...", "error_type": "validation" | "generation" | "overloaded" | ...}`, validation
 * errors with status 422.
 */
export function errorResponse(
  kind: EngineKind,
  err: ErrorKind,
  message: string,
  param: string | null = null,
): HttpError {
  if (kind === "tgi") {
    const status =
      err === "bad_request" ? 422 : err === "not_found" ? 404 : err === "unavailable" ? 503 : 500;
    const error_type =
      err === "bad_request" ? "validation" : err === "unavailable" ? "overloaded" : "generation";
    return { status, body: { error: message, error_type } };
  }
  const status = STATUS[err];
  if (kind === "sglang")
    return {
      status,
      body: { object: "error", message, type: VLLM_TYPES[err], param, code: status },
    };
  return { status, body: { error: { message, type: VLLM_TYPES[err], param, code: status } } };
}

export function contextTooLongMessage(
  kind: EngineKind,
  maxLen: number,
  prompt: number,
  maxTokens: number | undefined,
): string {
  if (kind === "tgi")
    return `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${maxLen}. Given: ${prompt} \`inputs\` tokens and ${maxTokens ?? 0} \`max_new_tokens\``;
  if (kind === "sglang")
    return `The input (${prompt} tokens) is longer than the model's context length (${maxLen} tokens).`;
  if (maxTokens === undefined)
    return `This model's maximum context length is ${maxLen} tokens. However, your request has ${prompt} input tokens. Please reduce the length of the input messages.`;
  return `This model's maximum context length is ${maxLen} tokens. However, you requested ${prompt + maxTokens} tokens (${prompt} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
}
