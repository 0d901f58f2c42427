// The router's PD decider state: resolved settings per ModelServer, the prefill ledger, the
// decisions counter, and the routing-decision-log entry of each decision. servePd
// (server/inference.ts) asks `decide` once the decode endpoints are scheduled.
import { Counter } from "prom-client";
import type { Registry } from "prom-client";
import type { Endpoint } from "../framework/endpoint.ts";
import type { InferenceRequest } from "../framework/request.ts";
import type {
  DecisionRecord,
  DecisionSink,
  LoggedDecision,
  Scheduler,
} from "../scheduling/scheduler.ts";
import { decidePd, needsPrefillSide, queuedPrefillTokens, resolvePdConfig } from "./decider.ts";
import type { PdDecision, PdDeciderParams, PdSide } from "./decider.ts";
import { PrefillLedger } from "./prefill-ledger.ts";
import { estimateUncached } from "./uncached.ts";
import type { UncachedSource } from "./uncached.ts";

export interface PdChoice extends PdDecision {
  readonly params: PdDeciderParams;
  readonly source: UncachedSource;
  /** Uncached prompt tokens per decode candidate (same order as scheduled). */
  readonly decodeUncached: readonly number[];
  /** Uncached prompt tokens on the first pair's prefill endpoint, when estimated. */
  readonly prefillUncached: number | null;
}

export class PdRuntime {
  readonly ledger = new PrefillLedger();
  readonly paramsFor: (server: string) => PdDeciderParams;
  readonly decisions: Counter<"server" | "decision">;

  /** @throws when the config is invalid (the message names the field). */
  constructor(config: unknown, registry: Registry) {
    this.paramsFor = resolvePdConfig(config);
    this.decisions = new Counter({
      name: "tessera_router_pd_decisions_total",
      help: "PD decider outcomes: remote (prefill engine + KV transfer) or local (decode engine only)",
      labelNames: ["server", "decision"],
      registers: [registry],
    });
  }

  #side(p: PdDeciderParams, ep: Endpoint, uncachedTokens: number): PdSide {
    const queued = queuedPrefillTokens(p, this.ledger.get(ep.id), ep.metrics.waiting, ep.stale);
    return { uncachedTokens, queuedTokens: queued };
  }

  /**
   * Decides for the first decode candidate. `prefill` is the prefill endpoint paired with it (null
   * when the decider does not need it: the caller schedules it only when `needsPrefill` says so).
   * Counts the outcome and, except for `always`, records it in the routing decision log.
   */
  async decide(
    scheduler: Scheduler,
    req: InferenceRequest,
    server: string,
    decodes: readonly Endpoint[],
    prefill: Endpoint | null,
    now: number,
    sink: DecisionSink | null,
  ): Promise<PdChoice> {
    const params = this.paramsFor(server);
    const d0 = decodes[0];
    let choice: PdChoice;
    if (params.decider === "always" || d0 === undefined) {
      const c = decidePd({ ...params, decider: "always" }, ALWAYS_INPUT);
      choice = { ...c, params, source: "none", decodeUncached: [], prefillUncached: null };
    } else {
      const est = await estimateUncached(scheduler.profile("decode"), req, decodes, now);
      const decodeSide = this.#side(params, d0, est.uncached[0] ?? est.promptTokens);
      let preSide: PdSide | null = null;
      if (prefill !== null && needsPrefillSide(params)) {
        const pe = await estimateUncached(scheduler.profile("prefill"), req, [prefill], now);
        preSide = this.#side(params, prefill, pe.uncached[0] ?? pe.promptTokens);
      }
      // queue-aware without a prefill endpoint to compare with (none in the group): the threshold
      // alone decides, so the request keeps the remote path when it is above it.
      const c =
        preSide === null && needsPrefillSide(params)
          ? decidePd({ ...params, decider: "threshold" }, { decode: decodeSide, prefill: null })
          : decidePd(params, { decode: decodeSide, prefill: preSide });
      choice = {
        ...c,
        params,
        source: est.source,
        decodeUncached: est.uncached,
        prefillUncached: preSide?.uncachedTokens ?? null,
      };
      if (sink !== null && sink.enabled) {
        const sides = { decode: decodeSide, prefill: preSide };
        sink.record(new PdDecisionEntry(Date.now(), req, choice, d0, prefill, sides));
      }
    }
    this.decisions.inc({ server, decision: choice.remote ? "remote" : "local" });
    return choice;
  }

  /** Whether `decide` will read the paired prefill endpoint for this server. */
  needsPrefill(server: string): boolean {
    const p = this.paramsFor(server);
    return p.decider !== "always" && needsPrefillSide(p);
  }
}

const ALWAYS_INPUT = { decode: { uncachedTokens: 0, queuedTokens: 0 }, prefill: null };

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

function sideScores(s: PdSide | null, ms: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (s === null) return out;
  out["pd uncached tokens"] = s.uncachedTokens;
  out["pd queued tokens"] = s.queuedTokens;
  if (!Number.isNaN(ms)) out["pd est. ms"] = round(ms);
  return out;
}

/**
 * A PD decision in the routing decision log (/debug/decisions, the console's routing page), shaped
 * like a scheduling decision so every reader shows it: the profile names the decider and outcome,
 * the candidates are the decode endpoint and its paired prefill endpoint with the decider's inputs
 * as scores, and `picked` is where the prefill runs (then the decode endpoint when remote).
 */
class PdDecisionEntry implements LoggedDecision {
  readonly at: number;
  readonly requestId: string;
  readonly model: string;
  readonly modelServer: string;
  readonly eps: readonly Endpoint[];
  /** 1 for the endpoint the decision favours (decode when local, prefill when remote). */
  readonly totals: readonly number[];
  readonly picked: readonly Endpoint[];
  readonly #label: string;
  readonly #scores: Record<string, number>[];

  constructor(
    at: number,
    req: InferenceRequest,
    c: PdChoice,
    decode: Endpoint,
    prefill: Endpoint | null,
    sides: { decode: PdSide; prefill: PdSide | null },
  ) {
    this.at = at;
    this.requestId = req.requestId;
    this.model = req.requestedModel;
    this.modelServer = req.modelServer;
    this.eps = prefill === null ? [decode] : [decode, prefill];
    this.totals = this.eps.map((e) => ((e === decode) !== c.remote ? 1 : 0));
    this.picked = c.remote && prefill !== null ? [prefill, decode] : [decode];
    this.#label = `pd-decider ${c.params.decider}: ${c.remote ? "remote" : "local"} (${c.reason}, cache: ${c.source})`;
    this.#scores = [sideScores(sides.decode, c.localMs), sideScores(sides.prefill, c.remoteMs)];
  }

  toRecord(): DecisionRecord {
    return {
      at: new Date(this.at).toISOString(),
      requestId: this.requestId,
      model: this.model,
      modelServer: this.modelServer,
      profile: this.#label,
      candidates: this.eps.map((ep, j) => ({
        endpoint: ep.id,
        total: this.totals[j] ?? 0,
        scores: this.#scores[j] ?? {},
      })),
      filteredOut: {},
      picked: this.picked.map((p) => p.id),
    };
  }
}
