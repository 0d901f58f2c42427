// Scrapes every endpoint's /metrics on an interval and normalises the result. Scrapes run in the
// background only: a request never waits for one. An endpoint whose last good scrape is older than
// `staleAfterMs` is marked stale (scorers then lean on router-local counters); after
// `unhealthyAfterFailures` consecutive failures it is marked unhealthy and leaves scheduling until a
// scrape succeeds again.
//
// Its two dependencies on the outside world are injected: `fetchText` (the router passes one over
// its undici pools, see upstream/pools.ts) and `now` (the wall clock in the router, virtual time in
// the benchmark's discrete-event simulation), so the same code runs in both.
import type { Logger } from "pino";
import type { RouterMetrics } from "../metrics/metrics.ts";
import { histogramDelta, parseEngineMetrics } from "./dialect.ts";
import type { EndpointPool, EndpointState } from "./pool.ts";

/** GET `path` from `origin` within `timeoutMs`; resolves with the status and the whole body. */
export type FetchText = (
  origin: string,
  path: string,
  timeoutMs: number,
) => Promise<{ status: number; text: string }>;

export interface ScraperOptions {
  intervalMs: number;
  timeoutMs: number;
  staleAfterMs: number;
  unhealthyAfterFailures: number;
  /** Poll `/v1/models` (loaded LoRA adapters) every N scrapes; 0 disables. */
  modelsEvery: number;
  concurrency: number;
  /** Clock in ms for `updatedAt` and staleness (default Date.now). */
  now: () => number;
}

export const DEFAULT_SCRAPER_OPTIONS: ScraperOptions = {
  intervalMs: 200,
  timeoutMs: 1_000,
  staleAfterMs: 1_000,
  unhealthyAfterFailures: 3,
  modelsEvery: 5,
  concurrency: 100,
  now: Date.now,
};

export class MetricScraper {
  readonly #pool: EndpointPool;
  readonly #fetch: FetchText;
  readonly #opts: ScraperOptions;
  readonly #metrics: RouterMetrics;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;
  #active = 0;
  #tick = 0;
  /** Resolves after the first full round of scrapes (readiness). */
  firstRoundDone = false;

  constructor(
    pool: EndpointPool,
    fetchText: FetchText,
    metrics: RouterMetrics,
    log: Logger,
    opts: Partial<ScraperOptions>,
  ) {
    this.#pool = pool;
    this.#fetch = fetchText;
    this.#metrics = metrics;
    this.#log = log;
    this.#opts = { ...DEFAULT_SCRAPER_OPTIONS, ...opts };
  }

  start(): void {
    if (this.#opts.intervalMs <= 0) {
      this.firstRoundDone = true;
      return;
    }
    void this.scrapeAll();
    this.#timer = setInterval(() => void this.scrapeAll(), this.#opts.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One round: start a scrape for every endpoint that has none in flight. */
  async scrapeAll(): Promise<void> {
    const now = this.#opts.now();
    const withModels = this.#opts.modelsEvery > 0 && this.#tick % this.#opts.modelsEvery === 0;
    this.#tick++;
    const jobs: Promise<void>[] = [];
    for (const ep of this.#pool.all()) {
      ep.stale = ep.metrics.updatedAt === 0 || now - ep.metrics.updatedAt > this.#opts.staleAfterMs;
      if (ep.scraping || this.#active >= this.#opts.concurrency) continue;
      jobs.push(this.scrapeOne(ep, withModels));
    }
    await Promise.all(jobs);
    this.firstRoundDone = true;
    this.#updateGauges();
  }

  #updateGauges(): void {
    let ready = 0;
    let stale = 0;
    let unhealthy = 0;
    for (const ep of this.#pool.all()) {
      if (!ep.healthy) unhealthy++;
      else if (ep.stale) stale++;
      else ready++;
    }
    this.#metrics.endpoints.set({ state: "ready" }, ready);
    this.#metrics.endpoints.set({ state: "stale" }, stale);
    this.#metrics.endpoints.set({ state: "unhealthy" }, unhealthy);
  }

  async scrapeOne(ep: EndpointState, withModels: boolean): Promise<void> {
    if (ep.removed) return;
    ep.scraping = true;
    this.#active++;
    try {
      const text = await this.#get(ep, "/metrics");
      const p = parseEngineMetrics(text);
      let models = ep.metrics.models;
      if (p.loras !== null) models = new Set(p.loras);
      if (withModels) {
        const ids = await this.#fetchModels(ep);
        if (ids !== null) {
          if (p.loras !== null) for (const l of p.loras) ids.add(l);
          models = ids;
        }
      }
      const ttft = histogramDelta(ep.prevTtftSum, ep.prevTtftCount, p.ttftSum, p.ttftCount);
      const tpot = histogramDelta(ep.prevTpotSum, ep.prevTpotCount, p.tpotSum, p.tpotCount);
      ep.prevTtftSum = p.ttftSum;
      ep.prevTtftCount = p.ttftCount;
      ep.prevTpotSum = p.tpotSum;
      ep.prevTpotCount = p.tpotCount;
      // hits/queries deltas have the same shape as a histogram's sum/count deltas.
      const prefix = Number.isNaN(p.prefixHitRate)
        ? histogramDelta(ep.prevPrefixHits, ep.prevPrefixQueries, p.prefixHits, p.prefixQueries)
        : p.prefixHitRate;
      ep.prevPrefixHits = p.prefixHits;
      ep.prevPrefixQueries = p.prefixQueries;
      const prev = ep.metrics;
      ep.metrics = {
        waiting: p.waiting,
        running: p.running,
        kvCacheUsage: p.kv,
        // Reported once at start by vLLM (an info gauge); keep it when a scrape lacks it.
        kvCapacityTokens: Number.isNaN(p.kvCapacity) ? prev.kvCapacityTokens : p.kvCapacity,
        // No new observations in this interval: keep the last known average.
        ttftSeconds: Number.isNaN(ttft) ? prev.ttftSeconds : ttft,
        tpotSeconds: Number.isNaN(tpot) ? prev.tpotSeconds : tpot,
        prefixHitRate: Number.isNaN(prefix) ? prev.prefixHitRate : prefix,
        models,
        updatedAt: this.#opts.now(),
      };
      ep.stale = false;
      ep.consecutiveFailures = 0;
      ep.scrapeHealthy = true;
      this.#metrics.scrapes.inc({ result: "ok" });
    } catch (err) {
      ep.consecutiveFailures++;
      if (ep.consecutiveFailures >= this.#opts.unhealthyAfterFailures && ep.scrapeHealthy) {
        ep.scrapeHealthy = false;
        this.#log.warn(
          { endpoint: ep.id, err: (err as Error).message },
          "endpoint unhealthy: metric scrapes failing",
        );
      }
      this.#metrics.scrapes.inc({ result: "error" });
    } finally {
      ep.scraping = false;
      this.#active--;
    }
  }

  async #get(ep: EndpointState, path: string): Promise<string> {
    const res = await this.#fetch(ep.origin, path, this.#opts.timeoutMs);
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return res.text;
  }

  async #fetchModels(ep: EndpointState): Promise<Set<string> | null> {
    try {
      const body = JSON.parse(await this.#get(ep, "/v1/models")) as { data?: { id?: unknown }[] };
      const ids = new Set<string>();
      for (const m of body.data ?? []) if (typeof m.id === "string") ids.add(m.id);
      return ids;
    } catch {
      return null;
    }
  }
}
