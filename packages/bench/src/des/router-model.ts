// The router's scheduling path, in process, on virtual time. Everything that decides is the router's
// production code: its scheduler-config resolution, plugin registry and factories, the Scheduler and
// its profiles (filters → weighted scorers → picker), the post-response hooks, its EndpointState
// objects with the router-local in-flight counter, its MetricScraper (scrapeOne: dialect parsing and
// TTFT/TPOT histogram deltas), and the kv-cache-aware plugin's KV block index.
//
// What is modelled here (the router's I/O, replaced by virtual-time equivalents):
// - a scrape renders the simulated engine's /metrics text (createEngineMetrics, the same renderer the
//   simulator's HTTP server uses) and hands it to the router's MetricScraper through its `fetchText`
//   seam; scrapes happen every `scrapeIntervalS` of virtual time, so plugins see metrics that are up
//   to one interval old (staleness as in production), and the scraper, the scheduling profile and
//   the plugins all read the virtual clock (their `now` seams), so `updatedAt`, `stale` and decision
//   times are virtual too;
// - KV event batches reach the kv-cache-aware scorer (`applyEvents`, the entry its own event
//   subscriptions use) `kvEventDelayS` after the engine step that produced them (production: NDJSON
//   over HTTP);
// - in-flight accounting: +1 just before dispatch, then the profile's pre-request hooks (prefix-cache
//   records the blocks), −1 when the response has completed, then the post-response hooks, as
//   server/inference.ts does.
import { createEngineMetrics } from "@tessera/engine-sim";
import type { Engine, KvEventBatch } from "@tessera/engine-sim";
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import pino from "pino";
import { resolveSchedulerConfig } from "@tessera/router/config/loader";
import { EndpointPool } from "@tessera/router/endpoints/pool";
import type { EndpointSpec, EndpointState } from "@tessera/router/endpoints/pool";
import { MetricScraper } from "@tessera/router/endpoints/scraper";
import type { FetchText } from "@tessera/router/endpoints/scraper";
import type { Endpoint } from "@tessera/router/framework/endpoint";
import type { PluginHandle } from "@tessera/router/framework/plugin";
import type { InferenceRequest } from "@tessera/router/framework/request";
import { createRouterMetrics } from "@tessera/router/metrics/metrics";
import { registerBuiltinPlugins } from "@tessera/router/plugins/builtin";
import { KvCacheAwareScorer } from "@tessera/router/plugins/scorer/kv-cache-aware/index";
import { PluginRegistry } from "@tessera/router/scheduling/registry";
import { Scheduler } from "@tessera/router/scheduling/scheduler";
import type { Profile } from "@tessera/router/scheduling/scheduler";
import type { BreakableClock } from "./clock.ts";

export const MODEL = "tessera/sim-model";
export const MODEL_SERVER = "bench/sim";
/** Virtual time 0 as a wall-clock time (2026-01-01T00:00:00Z). */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

export interface DesRouterOptions {
  /** A SchedulerConfig document, as the router's --scheduler-config file would hold it. */
  scheduler: unknown;
  /** Virtual seconds between metric scrapes; 0 = scrape right before every scheduling decision. */
  scrapeIntervalS: number;
  /** Virtual seconds from an engine step to its KV events reaching the router's index. */
  kvEventDelayS: number;
  /** Router-local in-flight accounting (the production router always has it; off = ablation). */
  inFlightAccounting: boolean;
  seed: number;
}

/** The scraper's HTTP GET, in process: /metrics renders the simulated engine's registry. */
function engineFetch(render: Map<string, () => Promise<string>>): FetchText {
  return async (origin, path) => {
    const fn = render.get(origin);
    if (fn === undefined || path !== "/metrics") return { status: 404, text: "" };
    return { status: 200, text: await fn() };
  };
}

export class DesRouter {
  readonly endpoints: EndpointState[] = [];
  readonly scheduler: Scheduler;
  readonly profile: Profile;
  readonly kvAware: KvCacheAwareScorer | null;
  readonly #engineOf = new Map<string, number>();
  readonly #scraper: MetricScraper;
  readonly #closers: (() => void)[] = [];
  readonly #opts: DesRouterOptions;
  readonly #clock: BreakableClock;
  /** Scheduling decisions made, and wall-clock seconds spent in the scheduler. */
  decisions = 0;
  schedulerWallS = 0;
  scrapes = 0;

  constructor(clock: BreakableClock, engines: readonly Engine[], opts: DesRouterOptions) {
    this.#opts = opts;
    this.#clock = clock;
    const random = mulberry32(opts.seed ^ 0x2545f491);
    const handle: PluginHandle = {
      logger: pino({ level: "silent" }),
      // Virtual wall clock in ms. It starts at a fixed epoch, not 0: the router reads
      // `metrics.updatedAt === 0` as "never scraped", which a scrape at virtual t = 0 would be.
      now: () => VIRTUAL_EPOCH_MS + clock.now() * 1000,
      random,
      // No live endpoints for the plugins' own subscriptions: KV events are fed in virtual time.
      endpoints: () => [],
      http: () => Promise.reject(new Error("no HTTP in the discrete-event simulation")),
    };
    const registry = registerBuiltinPlugins(new PluginRegistry());
    const metrics = createRouterMetrics({ defaultMetrics: false });
    this.scheduler = new Scheduler(
      resolveSchedulerConfig(opts.scheduler, registry.isPicker),
      registry,
      handle,
      metrics,
    );
    this.profile = this.scheduler.profile("default");
    const kv = this.profile.scorers.find((s) => s.plugin instanceof KvCacheAwareScorer)?.plugin;
    this.kvAware = kv instanceof KvCacheAwareScorer ? kv : null;

    const pool = new EndpointPool();
    const render = new Map<string, () => Promise<string>>();
    const specs = new Map(
      engines.map((e, i) => {
        const spec: EndpointSpec = {
          protocol: "http",
          namespace: "bench",
          podName: `engine-${i}`,
          address: `127.0.0.${10 + i}`,
          port: 8000,
          labels: {},
          annotations: {},
          startedAt: 0,
        };
        return [`bench/engine-${i}:8000`, spec] as const;
      }),
    );
    const live = pool.sync(specs);
    engines.forEach((e, i) => {
      const ep = live.get(`bench/engine-${i}:8000`) as EndpointState;
      this.endpoints.push(ep);
      this.#engineOf.set(ep.id, i);
      const reg = createEngineMetrics("vllm", e, { modelName: MODEL });
      this.#closers.push(reg.close);
      render.set(ep.origin, () => reg.registry.metrics());
      const kv = this.kvAware;
      if (kv !== null) {
        e.onKvEvents((batch: KvEventBatch) => {
          const apply = () => kv.applyEvents(ep.id, batch.events);
          if (opts.kvEventDelayS > 0) clock.setTimer(clock.now() + opts.kvEventDelayS, apply);
          else apply();
        });
      }
    });
    this.#scraper = new MetricScraper(pool, engineFetch(render), metrics, handle.logger, {
      intervalMs: 0,
      modelsEvery: 0,
      now: () => handle.now(),
    });
  }

  get needsKvEvents(): boolean {
    return this.kvAware !== null;
  }

  engineIndex(ep: Endpoint): number {
    return this.#engineOf.get(ep.id) ?? -1;
  }

  /** One scrape round: every endpoint's /metrics through the router's own scraper code. */
  async scrapeAll(): Promise<void> {
    this.scrapes++;
    for (const ep of this.endpoints) await this.#scraper.scrapeOne(ep, false);
  }

  /** Runs the default profile; returns the endpoint the request is dispatched to. */
  async schedule(req: InferenceRequest): Promise<EndpointState> {
    if (this.#opts.scrapeIntervalS === 0) await this.scrapeAll();
    const t = performance.now();
    const picked = await this.profile.run(req, this.endpoints, null);
    this.schedulerWallS += (performance.now() - t) / 1000;
    this.decisions++;
    const ep = picked[0];
    if (ep === undefined) throw new Error("scheduler picked no endpoint");
    return ep as EndpointState;
  }

  dispatched(req: InferenceRequest, ep: EndpointState): void {
    if (this.#opts.inFlightAccounting) ep.inFlight++;
    this.profile.preRequest(req, ep);
  }

  completed(req: InferenceRequest, ep: EndpointState, ok: boolean): void {
    if (this.#opts.inFlightAccounting) ep.inFlight--;
    this.profile.postResponse(req, ep, ok);
  }

  close(): void {
    for (const c of this.#closers) c();
    void this.scheduler.closeUnused(null);
    void this.#clock;
  }
}

/** The InferenceRequest the router's server builds for a completions request (server/request-state.ts). */
export function completionRequest(
  requestId: string,
  prompt: string,
  maxTokens: number,
): InferenceRequest {
  return {
    requestId,
    kind: "completion",
    requestedModel: MODEL,
    targetModel: MODEL,
    isLora: false,
    headers: {},
    body: { model: MODEL, prompt, max_tokens: maxTokens, ignore_eos: true, stream: true },
    modelServer: MODEL_SERVER,
    memo: {},
    promptText: () => prompt,
  };
}
