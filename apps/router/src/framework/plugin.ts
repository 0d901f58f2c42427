// Base plugin contract. A plugin has a registered type (kebab-case constant exported by the plugin)
// and an instance name from configuration, so one type can run twice with different parameters.
import type { Logger } from "pino";
import type { Endpoint } from "./endpoint.ts";

export interface TypedName {
  readonly type: string;
  readonly name: string;
}

export interface Plugin {
  readonly typedName: TypedName;
  /** Optional: release timers, sockets, subscriptions when a config reload drops the instance. */
  close?(): void | Promise<void>;
  /** Optional: forget per-endpoint state when an endpoint leaves the pool. */
  endpointRemoved?(endpointId: string): void;
  /** Optional: a small JSON-able summary for the debug endpoint (sizes, hit ratios). */
  stats?(): Record<string, number | string>;
}

/** What a plugin factory may use from the router. */
export interface PluginHandle {
  readonly logger: Logger;
  /** Wall clock in ms; tests inject a fake. */
  now(): number;
  /** Uniform [0,1); tests inject a seeded one. */
  random(): number;
  /** Every endpoint the router currently knows (all ModelServers). */
  endpoints(): Iterable<Endpoint>;
  /** Plain HTTP to an endpoint over the router's keep-alive pools (tokenizer calls, KV event streams). */
  http(origin: string, req: PluginHttpRequest): Promise<PluginHttpResponse>;
}

export interface PluginHttpRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PluginHttpResponse {
  status: number;
  /** The body as a stream of chunks (for event streams) */
  body: AsyncIterable<Buffer>;
  text(): Promise<string>;
}

/** Factories parse and validate their own parameters (zod) and throw on invalid input. */
export type PluginFactory = (name: string, rawParameters: unknown, handle: PluginHandle) => Plugin;
