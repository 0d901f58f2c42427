// Scheduling extension points: filter → weighted score → pick, plus a post-response hook.
// The engine (scheduling/) owns instrumentation and weights; plugins only compute.
import type { Endpoint } from "./endpoint.ts";
import type { Plugin } from "./plugin.ts";
import type { InferenceRequest } from "./request.ts";

/** Per-scheduling-cycle scratchpad shared by the plugins of one request. */
export interface CycleContext {
  /** `prefill`, `decode` or `default`: which profile is running. */
  readonly profile: string;
  readonly now: number;
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface Filter extends Plugin {
  /** Returns the endpoints to keep (may return the input array unchanged). */
  filter(cx: CycleContext, req: InferenceRequest, eps: readonly Endpoint[]): readonly Endpoint[];
}

export type ScorerCategory = "affinity" | "distribution" | "balance";

export interface Scorer extends Plugin {
  readonly category: ScorerCategory;
  /**
   * Writes one score per `eps[i]` into `out[i]`, each in [0,1] (the engine clamps, then multiplies
   * by the profile weight). May return a promise when the scorer needs I/O (tokenizer, Redis).
   */
  score(
    cx: CycleContext,
    req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void | Promise<void>;
}

export interface Picker extends Plugin {
  /** Returns up to `max` endpoints, best first: the ordered fallback list for retries. */
  pick(cx: CycleContext, eps: readonly Endpoint[], totals: Float64Array, max: number): Endpoint[];
}

/**
 * Called when the request is about to be sent to `ep` (once per attempt, after scheduling), so a
 * plugin can account for it before any response: the engine starts caching the prompt from then on.
 */
export interface PreRequest extends Plugin {
  preRequest(req: InferenceRequest, ep: Endpoint): void;
}

/** Called once the request has been served (or failed) by `ep`. */
export interface PostResponse extends Plugin {
  postResponse(req: InferenceRequest, ep: Endpoint, ok: boolean): void;
}

export const isFilter = (p: Plugin): p is Filter =>
  typeof (p as Partial<Filter>).filter === "function";
export const isScorer = (p: Plugin): p is Scorer =>
  typeof (p as Partial<Scorer>).score === "function";
export const isPicker = (p: Plugin): p is Picker =>
  typeof (p as Partial<Picker>).pick === "function";
export const isPreRequest = (p: Plugin): p is PreRequest =>
  typeof (p as Partial<PreRequest>).preRequest === "function";
export const isPostResponse = (p: Plugin): p is PostResponse =>
  typeof (p as Partial<PostResponse>).postResponse === "function";
