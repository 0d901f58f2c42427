// Parsing OpenAI-style request bodies and shaping responses and stream chunks.

import { randomUUID } from "node:crypto";
import { applyChatTemplate, tokenize } from "@tessera/shared/tokens/tokenizer";
import type { ChatMessage } from "@tessera/shared/tokens/tokenizer";
import type { EngineKind } from "./dialect.ts";

export type Body = Record<string, unknown>;

export interface ParsedRequest {
  chat: boolean;
  model: string | undefined;
  promptTokens: number[];
  maxTokens: number | undefined;
  stream: boolean;
  includeUsage: boolean;
}

/** Why a body is invalid, in the words each engine would use. */
export class ValidationError extends Error {
  readonly field: string;

  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

function missing(kind: EngineKind, field: string): ValidationError {
  if (kind === "tgi")
    return new ValidationError(
      `Failed to deserialize the JSON body into the target type: missing field \`${field}\``,
      field,
    );
  return new ValidationError(
    `[{'type': 'missing', 'loc': ('body', '${field}'), 'msg': 'Field required'}]`,
    field,
  );
}

function invalid(kind: EngineKind, field: string, what: string): ValidationError {
  if (kind === "tgi")
    return new ValidationError(
      `Failed to deserialize the JSON body into the target type: ${field}: ${what}`,
      field,
    );
  return new ValidationError(
    `[{'type': 'value_error', 'loc': ('body', '${field}'), 'msg': '${what}'}]`,
    field,
  );
}

function isMessage(m: unknown): m is ChatMessage {
  return typeof m === "object" && m !== null && typeof (m as { role?: unknown }).role === "string";
}

export function parseRequest(kind: EngineKind, chat: boolean, body: Body): ParsedRequest {
  const model = typeof body.model === "string" ? body.model : undefined;
  let promptTokens: number[];
  if (chat) {
    const messages = body.messages;
    if (messages === undefined) throw missing(kind, "messages");
    if (!Array.isArray(messages) || !messages.every(isMessage))
      throw invalid(kind, "messages", "Input should be a valid list of messages");
    if (messages.length === 0) throw invalid(kind, "messages", "List should have at least 1 item");
    promptTokens = tokenize(applyChatTemplate(messages));
  } else {
    const prompt = body.prompt;
    if (prompt === undefined) throw missing(kind, "prompt");
    if (typeof prompt === "string") promptTokens = tokenize(prompt);
    else if (
      Array.isArray(prompt) &&
      prompt.length > 0 &&
      prompt.every((t) => Number.isInteger(t) && (t as number) >= 0)
    )
      promptTokens = prompt as number[];
    else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string")
      promptTokens = tokenize(prompt[0]);
    else throw invalid(kind, "prompt", "Input should be a valid string or list of token ids");
    if (promptTokens.length === 0) throw invalid(kind, "prompt", "Prompt cannot be empty");
  }
  const rawMax = chat ? (body.max_completion_tokens ?? body.max_tokens) : body.max_tokens;
  let maxTokens: number | undefined;
  if (rawMax !== undefined && rawMax !== null) {
    if (!Number.isInteger(rawMax) || (rawMax as number) < 1)
      throw invalid(kind, "max_tokens", "Input should be a positive integer");
    maxTokens = rawMax as number;
  } else if (!chat) maxTokens = 16; // the Completions API default
  const stream = body.stream === true;
  const so = body.stream_options as { include_usage?: unknown } | undefined;
  return {
    chat,
    model,
    promptTokens,
    maxTokens,
    stream,
    includeUsage: stream && so?.include_usage === true,
  };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

export function usage(prompt: number, completion: number, cached: number): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}

export function newId(chat: boolean): string {
  return `${chat ? "chatcmpl" : "cmpl"}-${randomUUID().replaceAll("-", "")}`;
}

export function fullResponse(
  p: ParsedRequest,
  id: string,
  model: string,
  created: number,
  text: string,
  finishReason: string,
  u: Usage,
  extra: Body = {},
): Body {
  if (p.chat)
    return {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text, refusal: null, tool_calls: [] },
          logprobs: null,
          finish_reason: finishReason,
          stop_reason: null,
        },
      ],
      usage: u,
      prompt_logprobs: null,
      ...extra,
    };
  return {
    id,
    object: "text_completion",
    created,
    model,
    choices: [
      {
        index: 0,
        text,
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
        prompt_logprobs: null,
      },
    ],
    usage: u,
    ...extra,
  };
}

export function streamChunk(
  p: ParsedRequest,
  id: string,
  model: string,
  created: number,
  delta: { role?: string; content?: string },
  finishReason: string | null,
): Body {
  if (p.chat)
    return {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
  return {
    id,
    object: "text_completion",
    created,
    model,
    choices: [
      {
        index: 0,
        text: delta.content ?? "",
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
  };
}

export function usageChunk(
  p: ParsedRequest,
  id: string,
  model: string,
  created: number,
  u: Usage,
): Body {
  return {
    id,
    object: p.chat ? "chat.completion.chunk" : "text_completion",
    created,
    model,
    choices: [],
    usage: u,
  };
}
