// Discrete-event driver: replays a workload (arrival times, SGLang-style max-concurrency semaphore)
// against simulated engines through the router's scheduling code, all on one virtual clock.
import { Engine } from "@tessera/engine-sim";
import type { EngineParams, RequestResult } from "@tessera/engine-sim";
import type { EndpointState } from "@tessera/router/endpoints/pool";
import type { RequestRecord } from "../metrics/metrics.ts";
import type { BenchRequest } from "../workload/workload.ts";
import { BreakableClock } from "./clock.ts";
import { DesRouter, completionRequest } from "./router-model.ts";
import type { DesRouterOptions } from "./router-model.ts";

export interface DesEngineSpec {
  replicas: number;
  preset: string;
  params?: Partial<EngineParams>;
}

export interface DesRunOptions {
  engines: DesEngineSpec;
  router: DesRouterOptions;
  requests: readonly BenchRequest[];
  /** In-flight cap of the load generator (bench_serving --max-concurrency); Infinity = none. */
  maxConcurrency: number;
  seed: number;
  /** Virtual seconds of network and router latency added before the engine sees a request. */
  dispatchDelayS?: number;
  /** Keep every output token's time in the records (for throughput over time windows). */
  keepTokenTimes?: boolean;
}

export interface EngineStats {
  preemptions: number;
  prefixHits: number;
  prefixQueries: number;
  steps: number;
}

export interface DesRunResult {
  records: RequestRecord[];
  virtualS: number;
  wallS: number;
  schedulerWallS: number;
  decisions: number;
  scrapes: number;
  engines: EngineStats[];
  /** Router-local in-flight counters at the end (0 everywhere when accounting is balanced). */
  inFlightAfter: number[];
}

export async function runDes(o: DesRunOptions): Promise<DesRunResult> {
  const wall0 = performance.now();
  const clock = new BreakableClock();
  const engines: Engine[] = [];
  const probe = new DesRouterProbe(o.router.scheduler);
  for (let i = 0; i < o.engines.replicas; i++)
    engines.push(
      new Engine({
        clock,
        preset: o.engines.preset,
        params: o.engines.params,
        seed: o.seed + i,
        engineId: `engine-${i}`,
        kvEvents: probe.kvEvents,
      }),
    );
  const router = new DesRouter(clock, engines, o.router);
  const records: RequestRecord[] = [];
  const work: (() => Promise<void>)[] = [];
  const later = (fn: () => Promise<void>) => {
    work.push(fn);
    clock.requestBreak();
  };
  const total = o.requests.length;
  let done = 0;
  let active = 0;
  const backlog: BenchRequest[] = [];
  const delay = o.dispatchDelayS ?? 0;

  const start = (r: BenchRequest) => {
    active++;
    later(async () => {
      const sent = clock.now();
      const prompt = r.promptText();
      const req = completionRequest(`req-${r.index}`, prompt, r.outputLen);
      const ep: EndpointState = await router.schedule(req);
      router.dispatched(req, ep);
      const engine = engines[router.engineIndex(ep)] as Engine;
      const submit = () =>
        engine.submit({
          promptTokens: r.promptTokens(),
          maxTokens: r.outputLen,
          onFinish: (res: RequestResult) => {
            records.push({
              index: r.index,
              group: r.group,
              replica: router.engineIndex(ep),
              start: sent,
              firstToken: res.firstToken ?? res.finished,
              end: res.finished,
              promptTokens: res.promptTokens,
              cachedTokens: res.cachedTokens,
              outputTokens: res.outputTokens.length,
              itl: res.itl,
              tokenTimes: o.keepTokenTimes === true ? res.tokenTimes : undefined,
              ok: res.finishReason === "length" || res.finishReason === "stop",
            });
            router.completed(req, ep, true);
            done++;
            active--;
            const next = backlog.shift();
            if (next !== undefined) start(next);
          },
        });
      if (delay > 0) clock.setTimer(clock.now() + delay, submit);
      else submit();
    });
  };

  // Arrivals, chained so only one arrival timer is queued at a time.
  let nextArrival = 0;
  const arrive = () => {
    const r = o.requests[nextArrival++];
    if (r === undefined) return;
    if (active < o.maxConcurrency) start(r);
    else backlog.push(r);
    const n = o.requests[nextArrival];
    if (n !== undefined) clock.setTimer(n.arrival, arrive);
  };
  if (total > 0) clock.setTimer((o.requests[0] as BenchRequest).arrival, arrive);

  // Metric scrapes on the router's interval, from t = 0 until the last request completes.
  const interval = o.router.scrapeIntervalS;
  if (interval > 0) {
    const tick = () => {
      later(async () => {
        await router.scrapeAll();
        if (done < total) clock.setTimer(clock.now() + interval, tick);
      });
    };
    clock.setTimer(0, tick);
  }

  for (;;) {
    const broke = clock.runUntilBreak();
    if (work.length > 0) {
      const batch = work.splice(0);
      for (const w of batch) await w();
      continue;
    }
    if (!broke) break;
  }
  router.close();
  for (const e of engines) e.stop();
  return {
    records,
    virtualS: clock.now(),
    wallS: (performance.now() - wall0) / 1000,
    schedulerWallS: router.schedulerWallS,
    decisions: router.decisions,
    scrapes: router.scrapes,
    inFlightAfter: router.endpoints.map((e) => e.inFlight),
    engines: engines.map((e) => {
      const s = e.snapshot();
      return {
        preemptions: s.preemptions,
        prefixHits: s.prefixHits,
        prefixQueries: s.prefixQueries,
        steps: s.steps,
      };
    }),
  };
}

/** Whether a scheduler config uses the kv-cache-aware scorer (engines must then emit KV events). */
class DesRouterProbe {
  readonly kvEvents: boolean;
  constructor(cfg: unknown) {
    const plugins = (cfg as { plugins?: { type?: unknown }[] } | null)?.plugins ?? [];
    this.kvEvents = plugins.some((p) => p.type === "kv-cache-aware");
  }
}
