// The prefill/decode decider: once the decode endpoint is chosen, should this request's prefill run
// on a prefill engine and its KV be transferred ("remote"), or on the decode engine itself ("local",
// a normal aggregated request)? Disaggregating every request makes the prefill engines the queue
// when prompts are mostly cached on the decode engine (multi-turn chat), so:
//
//  always       every request goes prefill → transfer → decode (the router's behaviour before the
//               decider existed, and the default; see docs/router.md "Prefill/decode disaggregation").
//  threshold    remote when more than `thresholdTokens` prompt tokens are uncached on the decode
//               endpoint (llm-d's pd-profile-handler, default 16).
//  queue-aware  threshold, and remote only when the prefill path is expected to reach the first token
//               sooner: (prefill endpoint's queued prefill tokens + its uncached tokens) × prefill cost
//               + transfer of the decode endpoint's uncached tokens, against (decode endpoint's queued
//               prefill tokens + its uncached tokens) × prefill cost.
//
// This file is pure: the caller gathers the inputs (pd/inputs.ts in the router, the pd benchmark in
// its simulation) so the same decision code runs in both.
import { z } from "zod";

export const PD_DECIDERS = ["always", "threshold", "queue-aware"] as const;
export type PdDeciderKind = (typeof PD_DECIDERS)[number];

/** Settings fields without defaults: the shape of router-wide settings and per-server overrides. */
const fields = {
  decider: z.enum(PD_DECIDERS),
  /** Disaggregate only when more prompt tokens than this are uncached on the decode endpoint. */
  thresholdTokens: z.number().int().min(0),
  /** Prefill cost per uncached token on one engine, ms. */
  prefillMsPerToken: z.number().positive(),
  /** KV transfer cost per token, ms. */
  transferMsPerToken: z.number().min(0),
  /** Fixed cost of one KV transfer (connection, handshake), ms. */
  transferSetupMs: z.number().min(0),
  /**
   * Prefill tokens assumed per request the engine reports waiting; the queued prefill work of an
   * endpoint is max(router-local dispatched tokens, waiting × this), so work other routers queued
   * counts too. 0 ignores engine metrics.
   */
  waitingRequestTokens: z.number().min(0),
};

/** One ModelServer's decider settings, with defaults (docs/router.md explains each choice). */
export const PdDeciderParams = z.strictObject({
  decider: fields.decider.default("always"),
  thresholdTokens: fields.thresholdTokens.default(16),
  // ≈ 10k prefill tokens/s: a mid-size model on one GPU.
  prefillMsPerToken: fields.prefillMsPerToken.default(0.1),
  // RDMA/NIXL-like; TCP is ≈ 4× this.
  transferMsPerToken: fields.transferMsPerToken.default(0.008),
  transferSetupMs: fields.transferSetupMs.default(1),
  waitingRequestTokens: fields.waitingRequestTokens.default(256),
});
export type PdDeciderParams = z.output<typeof PdDeciderParams>;

/** What one endpoint would have to prefill: its queue and this request's tokens it lacks. */
export interface PdSide {
  /** Prompt tokens of this request not in the endpoint's prefix cache. */
  readonly uncachedTokens: number;
  /** Prefill tokens already queued on the endpoint (see PdDeciderParams.waitingRequestTokens). */
  readonly queuedTokens: number;
}

export interface PdDecisionInput {
  readonly decode: PdSide;
  /** Null when the decider does not need it (always, threshold). */
  readonly prefill: PdSide | null;
}

export type PdDecisionReason =
  "always" | "cached-on-decode" | "above-threshold" | "prefill-path-faster" | "decode-faster";

export interface PdDecision {
  readonly remote: boolean;
  readonly reason: PdDecisionReason;
  /** Estimated ms to the first token's prefill done locally / via the prefill engine (NaN if not computed). */
  readonly localMs: number;
  readonly remoteMs: number;
}

/** Whether the decider reads the prefill endpoint's side (the caller can skip gathering it). */
export function needsPrefillSide(p: PdDeciderParams): boolean {
  return p.decider === "queue-aware";
}

export function decidePd(p: PdDeciderParams, input: PdDecisionInput): PdDecision {
  if (p.decider === "always")
    return { remote: true, reason: "always", localMs: NaN, remoteMs: NaN };
  const d = input.decode;
  if (d.uncachedTokens <= p.thresholdTokens)
    return { remote: false, reason: "cached-on-decode", localMs: NaN, remoteMs: NaN };
  if (p.decider === "threshold")
    return { remote: true, reason: "above-threshold", localMs: NaN, remoteMs: NaN };
  const localMs = (d.queuedTokens + d.uncachedTokens) * p.prefillMsPerToken;
  const pre = input.prefill;
  if (pre === null) throw new Error("queue-aware PD decider needs the prefill endpoint's side");
  const remoteMs =
    (pre.queuedTokens + pre.uncachedTokens) * p.prefillMsPerToken +
    p.transferSetupMs +
    d.uncachedTokens * p.transferMsPerToken;
  return remoteMs < localMs
    ? { remote: true, reason: "prefill-path-faster", localMs, remoteMs }
    : { remote: false, reason: "decode-faster", localMs, remoteMs };
}

/**
 * An endpoint's queued prefill tokens: what this router dispatched there and has not seen a first
 * token for, or what the engine's waiting queue implies, whichever is larger. The engine's count
 * includes other routers' requests; it is ignored when not scraped (NaN) or stale.
 */
export function queuedPrefillTokens(
  p: PdDeciderParams,
  routerLocalTokens: number,
  waiting: number,
  stale: boolean,
): number {
  const fromEngine = !stale && waiting > 0 ? waiting * p.waitingRequestTokens : 0;
  return Math.max(routerLocalTokens, fromEngine);
}

/** Router-wide settings plus per-ModelServer overrides (keyed `namespace/name`). */
const Overrides = z.strictObject(fields).partial();
export const PdDeciderConfig = Overrides.extend({
  servers: z.record(z.string().min(1), Overrides).default({}),
});
export type PdDeciderConfigInput = z.input<typeof PdDeciderConfig>;

/**
 * Resolves settings for every ModelServer: its overrides over the router-wide ones over defaults.
 * @throws an Error naming the offending field (e.g. `pd.servers.ns/x.decider`).
 */
export function resolvePdConfig(raw: unknown): (server: string) => PdDeciderParams {
  const r = PdDeciderConfig.safeParse(raw ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(
      `invalid PD decider config: pd.${(i?.path ?? []).join(".")}: ${i?.message ?? "invalid"}`,
    );
  }
  const { servers, ...base } = r.data;
  const def = PdDeciderParams.parse(base);
  const per = new Map(
    Object.entries(servers).map(([k, v]) => [k, PdDeciderParams.parse({ ...base, ...v })]),
  );
  return (server) => per.get(server) ?? def;
}

/**
 * The decider config from the environment: PD_DECIDER_CONFIG (JSON, the same shape as
 * RouterOptions.pd) with PD_DECIDER, when set, as its router-wide `decider`.
 * @throws naming the variable when the JSON does not parse.
 */
export function pdConfigFromEnv(
  decider: PdDeciderKind | undefined,
  json: string | undefined,
): PdDeciderConfigInput {
  let cfg: unknown = {};
  if (json !== undefined && json.trim() !== "") {
    try {
      cfg = JSON.parse(json) as unknown;
    } catch (err) {
      throw new Error(`PD_DECIDER_CONFIG is not valid JSON: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (typeof cfg !== "object" || cfg === null || Array.isArray(cfg))
      throw new Error("PD_DECIDER_CONFIG must be a JSON object");
  }
  return { ...(cfg as PdDeciderConfigInput), ...(decider !== undefined ? { decider } : {}) };
}
