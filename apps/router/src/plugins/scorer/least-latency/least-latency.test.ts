import { describe, expect, it } from "vitest";
import type { Endpoint, EngineMetrics } from "../../../framework/endpoint.ts";
import { Cycle } from "../../../scheduling/cycle-context.ts";
import { ep, handle, req, scores } from "../../testing.ts";
import { averageLoad, leastLatencyFactory } from "./index.ts";
import type { LeastLatencyScorer } from "./index.ts";

const lat = (ttft: number, tpot: number) =>
  ep({ metrics: { ttftSeconds: ttft, tpotSeconds: tpot } });

describe("least-latency scorer", () => {
  const cases = [
    {
      name: "min–max normalised, α = 0.5",
      params: {},
      eps: [lat(0.1, 0.02), lat(0.3, 0.01), lat(0.2, 0.015)],
      want: [0.5, 0.5, 0.5],
    },
    {
      name: "α = 1 uses TTFT only",
      params: { ttftWeight: 1 },
      eps: [lat(0.1, 0.02), lat(0.3, 0.01), lat(0.2, 0.015)],
      want: [1, 0, 0.5],
    },
    {
      name: "α = 0 uses TPOT only",
      params: { ttftWeight: 0 },
      eps: [lat(0.1, 0.02), lat(0.3, 0.01)],
      want: [0, 1],
    },
    { name: "all equal → 1", params: {}, eps: [lat(0.1, 0.01), lat(0.1, 0.01)], want: [1, 1] },
    {
      name: "no data → unknownScore per component",
      params: {},
      eps: [ep(), lat(0.1, 0.01)],
      want: [0.5, 1],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(
        await scores(
          leastLatencyFactory("l", c.params, handle()) as LeastLatencyScorer,
          req(),
          c.eps,
        ),
      ).toEqual(c.want);
    });
  }

  it("rejects α outside [0,1] and a non-positive history", () => {
    expect(() => leastLatencyFactory("l", { ttftWeight: 1.5 }, handle())).toThrow(
      /invalid parameters/,
    );
    expect(() => leastLatencyFactory("l", { loadHistorySeconds: 0 }, handle())).toThrow(
      /loadHistorySeconds/,
    );
  });
});

// The router's view of an endpoint as the DES and the pool give it: one object whose in-flight
// counter moves with every dispatch and whose `metrics` the scraper replaces on every scrape.
type Live = { -readonly [K in keyof Endpoint]: Endpoint[K] };
const live = (ttft: number, tpot: number, engineLoad: number): Live =>
  ep({ metrics: { ttftSeconds: ttft, tpotSeconds: tpot, running: engineLoad, waiting: 0 } });
const scrape = (e: Live, m: Partial<EngineMetrics>) => {
  e.metrics = { ...e.metrics, ...m };
};

/** Dispatches `n` requests one at a time to the scorer's best endpoint; returns the counts. */
function dispatch(s: LeastLatencyScorer, eps: Live[], n: number, at = 1000): number[] {
  const counts = eps.map(() => 0);
  const out = new Float64Array(eps.length);
  for (let r = 0; r < n; r++) {
    s.score(new Cycle("default", at), req(), eps, out);
    let best = 0;
    for (let i = 1; i < eps.length; i++) if ((out[i] as number) > (out[best] as number)) best = i;
    (eps[best] as Live).inFlight++;
    counts[best] = (counts[best] as number) + 1;
  }
  return counts;
}

describe("least-latency load correction", () => {
  const mk = (p: Record<string, unknown>) =>
    leastLatencyFactory("l", p, handle()) as LeastLatencyScorer;

  it("herds without it: every request of a stale interval goes to the endpoint that was fast", () => {
    const eps = [live(1.0, 0.02, 10), live(1.2, 0.02, 10), live(1.4, 0.02, 10)];
    expect(dispatch(mk({ loadCorrection: false }), eps, 30)).toEqual([30, 0, 0]);
  });

  it("spreads a stale interval's requests in inverse proportion to the sampled latency", () => {
    // Predicted TTFT = ttft · (11 + sent) / 11 (24 / 25.2 / 25.2 at the end); the equal TPOTs
    // become pure load terms and pull one request towards the middle endpoint.
    const eps = [live(1.0, 0.02, 10), live(1.2, 0.02, 10), live(1.4, 0.02, 10)];
    expect(dispatch(mk({}), eps, 30)).toEqual([13, 10, 7]);
  });

  it("equal latencies: the same spread as least-request", () => {
    const eps = [live(1, 0.02, 10), live(1, 0.02, 10), live(1, 0.02, 10)];
    // Ties go to the first index here (no random tie-break): strict round-robin by load.
    expect(dispatch(mk({}), eps, 9)).toEqual([3, 3, 3]);
  });

  const factor = (ep: Endpoint, now = 1000) => mk({}).loadFactor(ep, now);
  /** The factor after the router's in-flight count to `e` went from `before` to `after`. */
  const moved = (e: Live, before: number, after: number) => {
    const s = mk({});
    e.inFlight = before;
    s.loadFactor(e, 1000);
    e.inFlight = after;
    return s.loadFactor(e, 1000);
  };
  const cases: { name: string; run: () => number; want: number }[] = [
    { name: "first sight: plain interval average", run: () => factor(live(1, 0.02, 10)), want: 1 },
    {
      name: "sent since the scrape counts, scrape or not (stale metrics too)",
      run: () => moved({ ...live(1, 0.02, 10), stale: true }, 0, 11),
      want: 2,
    },
    {
      name: "completions since the scrape lower it, down to an empty endpoint",
      run: () => moved(live(1, 0.02, 3), 20, 0),
      want: 0.25,
    },
    {
      name: "without engine gauges (TGI) the sampled load is the router's in-flight count",
      run: () => moved(ep({ metrics: { ttftSeconds: 1, tpotSeconds: 0.02 } }), 4, 9),
      want: 2,
    },
    {
      name: "a TTFT earned behind a deep queue is scaled to the queue now",
      run: () => {
        // 100 queued for the first 10 s; the 10 s TTFT sampled at t = 10 s waited behind them.
        const s = mk({});
        const e = live(NaN, NaN, 100);
        s.loadFactor(e, 0);
        scrape(e, { ttftSeconds: 10, running: 10 });
        return s.loadFactor(e, 10_000);
      },
      want: 11 / 101,
    },
  ];
  for (const c of cases) it(c.name, () => expect(c.run()).toBeCloseTo(c.want, 10));

  it("an unchanged sample is one history entry; a new one appends", () => {
    const s = mk({});
    const e = live(1, 0.02, 10);
    s.loadFactor(e, 0);
    s.loadFactor(e, 500);
    scrape(e, { running: 40 });
    s.loadFactor(e, 1000);
    // Window [0, 1000] with ttft = 1 s: 10 for 1 s then 40 from t = 1 s → mean 10; now 40.
    expect(s.loadFactor(e, 1000)).toBeCloseTo(41 / 11, 10);
  });
});

describe("averageLoad", () => {
  const h = (times: number[], loads: number[]) => ({
    metrics: ep().metrics,
    inFlight: 0,
    times,
    loads,
  });
  const cases = [
    { name: "single entry", h: h([0], [7]), from: -5, to: 10, want: 7 },
    { name: "window after the last entry", h: h([0, 10], [2, 8]), from: 12, to: 20, want: 8 },
    { name: "step function", h: h([0, 10], [2, 8]), from: 0, to: 20, want: 5 },
    { name: "partial first step", h: h([0, 10], [2, 8]), from: 5, to: 15, want: 5 },
    { name: "before the history: oldest load", h: h([10, 20], [4, 8]), from: 0, to: 20, want: 4 },
    { name: "empty window", h: h([0, 10], [2, 8]), from: 10, to: 10, want: 8 },
  ];
  for (const c of cases)
    it(c.name, () => expect(averageLoad(c.h, c.from, c.to)).toBeCloseTo(c.want, 10));
});
