import { z } from "zod";
import type { Endpoint } from "../../../framework/endpoint.ts";
import type { PluginFactory, TypedName } from "../../../framework/plugin.ts";
import type { CycleContext, PostResponse, Scorer } from "../../../framework/scheduling.ts";
import type { InferenceRequest } from "../../../framework/request.ts";
import { Lru } from "../../../util/lru.ts";
import { fresh, parseParams } from "../../params.ts";

export const SESSION_AFFINITY_TYPE = "session-affinity";

const Params = z.strictObject({
  /** Request header carrying the session key (case-insensitive). */
  header: z.string().min(1).default("x-session-id"),
  /** Sessions remembered (LRU). */
  maxSessions: z.number().int().min(1).default(10_000),
  /** The sticky endpoint counts as overloaded at this many router-local requests in flight (0 disables). */
  maxInFlight: z.number().int().min(0).default(32),
  /** …or when its fresh engine metrics report this many waiting requests (0 disables). */
  maxWaitingRequests: z.number().int().min(0).default(4),
});

/**
 * Sticky sessions: score 1 for the endpoint that last served the request's session (read from a
 * header), 0 for the others. When that endpoint is gone or overloaded every endpoint scores 0, so
 * the other scorers choose, and the session moves to wherever the request was served.
 */
export class SessionAffinityScorer implements Scorer, PostResponse {
  readonly typedName: TypedName;
  readonly category = "affinity" as const;
  readonly #header: string;
  readonly #sessions: Lru<string, string>;
  readonly #maxInFlight: number;
  readonly #maxWaiting: number;

  constructor(name: string, params: z.output<typeof Params>) {
    this.typedName = { type: SESSION_AFFINITY_TYPE, name };
    this.#header = params.header.toLowerCase();
    this.#sessions = new Lru(params.maxSessions);
    this.#maxInFlight = params.maxInFlight;
    this.#maxWaiting = params.maxWaitingRequests;
  }

  #key(req: InferenceRequest): string | undefined {
    const v = req.headers[this.#header];
    const s = Array.isArray(v) ? v[0] : v;
    return s === undefined || s === "" ? undefined : `${req.modelServer}\u0000${s}`;
  }

  overloaded(ep: Endpoint): boolean {
    if (this.#maxInFlight > 0 && ep.inFlight >= this.#maxInFlight) return true;
    return this.#maxWaiting > 0 && fresh(ep) && ep.metrics.waiting >= this.#maxWaiting;
  }

  score(
    _cx: CycleContext,
    req: InferenceRequest,
    eps: readonly Endpoint[],
    out: Float64Array,
  ): void {
    const key = this.#key(req);
    if (key === undefined) return;
    const sticky = this.#sessions.get(key);
    if (sticky === undefined) return;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i] as Endpoint;
      if (ep.id === sticky) {
        out[i] = this.overloaded(ep) ? 0 : 1;
        return;
      }
    }
  }

  postResponse(req: InferenceRequest, ep: Endpoint, ok: boolean): void {
    const key = this.#key(req);
    if (key === undefined) return;
    if (ok) this.#sessions.set(key, ep.id);
    else if (this.#sessions.peek(key) === ep.id) this.#sessions.delete(key);
  }

  endpointRemoved(id: string): void {
    for (const k of [...this.#sessions.keys()])
      if (this.#sessions.peek(k) === id) this.#sessions.delete(k);
  }

  /** Endpoint the session is currently pinned to (tests, debug). */
  stickyEndpoint(modelServer: string, session: string): string | undefined {
    return this.#sessions.peek(`${modelServer}\u0000${session}`);
  }

  stats(): Record<string, number> {
    return { sessions: this.#sessions.size, capacity: this.#sessions.capacity };
  }
}

export const sessionAffinityFactory: PluginFactory = (name, raw) =>
  new SessionAffinityScorer(name, parseParams(Params, SESSION_AFFINITY_TYPE, name, raw));
