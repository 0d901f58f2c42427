// B2 (performance.md §7): llm-d's high-cache-pressure scenario scaled to 4 simulated replicas.
// 40 groups × 5 users, system prompt 6,000, question 1,200, output 1,000 tokens: prefix demand
// 40 × (6,000 + 5 × 1,200) = 480k tokens = 73% of the cluster's KV and 2.9× one replica.
// Poisson ladder of 10 rate stages up to ≈ 1.3× the precise policy's saturation. Contenders: random,
// load-only, approximate prefix + load, precise prefix + load (weights 2:1:1), precise prefix only.
// Then a staleness sweep of precise + load at one fixed rate: scrape interval 0 / 50 / 100 / 500 ms,
// with and without router-local in-flight accounting.
import type { EngineParams } from "@tessera/engine-sim";
import { runDes } from "../des/driver.ts";
import type { DesRunResult } from "../des/driver.ts";
import { computeMetrics, summarize } from "../metrics/metrics.ts";
import type { RequestRecord } from "../metrics/metrics.ts";
import { lineChart } from "../report/svg.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { poissonLadder, prefixPool } from "../workload/workload.ts";
import type { LadderStage } from "../workload/workload.ts";
import { log, metricRow, outputDir, pct, resultLine, updateSummary } from "./common.ts";
import type { Contender } from "./common.ts";

export const REPLICAS = 4;
/** A 32B-TP2-like engine (B2): prefill ≈ 15k tok/s, decode step ≈ 14 ms + KV reads, 165k KV tokens. */
export const ENGINE: { preset: string; params: Partial<EngineParams> } = {
  preset: "7B-A100",
  params: {
    name: "32B-TP2-like",
    t0Ms: 14,
    tPrefillMs: 0.067,
    tSeqMs: 0.01,
    tKvMs: 3e-5,
    blockSize: 16,
    numBlocks: 10_313,
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
  },
};
const WORKLOAD = {
  groups: 40,
  usersPerGroup: 5,
  systemPromptLen: 6000,
  questionLen: 1200,
  outputLen: 1000,
};
/**
 * ≈ 1.3× the precise policy's saturation point (B2). Found with a 1.6 → 16 QPS ladder of
 * precise-prefix+load (seed 1): TTFT p90 stayed under 1 s up to 9.6 QPS and exploded at 11.2.
 */
const TOP_RATE = 12.5;
const STAGES = 10;

const load = [
  { type: "least-request", name: "lr" },
  { type: "kv-cache-usage", name: "kvu" },
];
const loadRefs = [
  { pluginRef: "lr", weight: 1 },
  { pluginRef: "kvu", weight: 1 },
];

export function cachePressureContenders(): Contender[] {
  return [
    { name: "random", scheduler: { plugins: [{ type: "random" }] } },
    {
      name: "load-only",
      scheduler: { plugins: load, profiles: [{ name: "default", plugins: loadRefs }] },
    },
    {
      name: "approximate-prefix+load",
      scheduler: {
        plugins: [{ type: "prefix-cache", name: "pc" }, ...load],
        profiles: [{ name: "default", plugins: [{ pluginRef: "pc", weight: 2 }, ...loadRefs] }],
      },
    },
    {
      name: "precise-prefix+load",
      scheduler: {
        plugins: [{ type: "kv-cache-aware", name: "kv", parameters: { blockSize: 16 } }, ...load],
        profiles: [{ name: "default", plugins: [{ pluginRef: "kv", weight: 2 }, ...loadRefs] }],
      },
    },
    {
      name: "precise-prefix-only",
      scheduler: { plugins: [{ type: "kv-cache-aware", parameters: { blockSize: 16 } }] },
    },
  ];
}

export interface CachePressureOptions {
  scale: number;
  seed: number;
  out?: string | undefined;
  contenders?: readonly string[] | undefined;
  staleness?: boolean;
}

interface StageResult {
  stage: number;
  rate: number;
  requests: number;
  outputTokPerS: number;
  ttftP90: number;
  ttftMean: number;
  ttftP99: number;
}

/** Per stage: requests that arrived in it (TTFT), output tokens generated during its window. */
export function stageResults(
  records: readonly RequestRecord[],
  stageOf: readonly number[],
  stages: readonly LadderStage[],
  stageStart: readonly number[],
): StageResult[] {
  return stages.map((st, s) => {
    const t0 = stageStart[s] as number;
    const t1 = t0 + st.durationS;
    const mine = records.filter((r) => stageOf[r.index] === s && r.ok);
    let tokens = 0;
    for (const r of records) for (const t of r.tokenTimes ?? []) if (t >= t0 && t < t1) tokens++;
    const ttft = summarize(mine.map((r) => r.firstToken - r.start));
    return {
      stage: s,
      rate: st.rate,
      requests: mine.length,
      outputTokPerS: tokens / st.durationS,
      ttftP90: ttft.p90,
      ttftMean: ttft.mean,
      ttftP99: ttft.p99,
    };
  });
}

function ladder(scale: number): LadderStage[] {
  return Array.from({ length: STAGES }, (_, i) => ({
    rate: +((TOP_RATE * (i + 1)) / STAGES).toFixed(2),
    durationS: Math.max(5, 20 * scale),
  }));
}

async function runOne(
  c: Contender,
  stages: LadderStage[],
  seed: number,
  scrapeIntervalS: number,
  inFlightAccounting: boolean,
) {
  const pool = prefixPool({ ...WORKLOAD, seed });
  const { requests, stageOf, stageStart } = poissonLadder(pool, stages, seed);
  const run: DesRunResult = await runDes({
    engines: { replicas: REPLICAS, ...ENGINE },
    router: {
      scheduler: c.scheduler,
      scrapeIntervalS,
      kvEventDelayS: 0.005,
      inFlightAccounting,
      seed,
    },
    requests,
    maxConcurrency: Infinity,
    seed,
    keepTokenTimes: true,
  });
  return {
    run,
    metrics: computeMetrics(run.records, REPLICAS),
    stages: stageResults(run.records, stageOf, stages, stageStart),
  };
}

export async function cachePressureBenchmark(o: CachePressureOptions): Promise<string> {
  const stages = ladder(o.scale);
  const contenders = cachePressureContenders().filter(
    (c) => o.contenders === undefined || o.contenders.includes(c.name) || c.name === "random",
  );
  const rows: Row[] = [];
  const ladderRes = new Map<string, StageResult[]>();
  const overall = new Map<string, ReturnType<typeof computeMetrics>>();
  for (const c of contenders) {
    const r = await runOne(c, stages, o.seed, 0.2, true);
    ladderRes.set(c.name, r.stages);
    overall.set(c.name, r.metrics);
    for (const s of r.stages)
      rows.push({
        part: "ladder",
        contender: c.name,
        scrape_ms: 200,
        in_flight: "on",
        stage: s.stage,
        rate_qps: s.rate,
        requests: s.requests,
        output_tok_per_s: s.outputTokPerS,
        ttft_mean_ms: s.ttftMean * 1000,
        ttft_p90_ms: s.ttftP90 * 1000,
        ttft_p99_ms: s.ttftP99 * 1000,
      });
    const top = r.stages[r.stages.length - 1];
    log(
      `cache-pressure ${c.name}: top stage ${top?.outputTokPerS.toFixed(0)} out tok/s, TTFT p90 ${top?.ttftP90.toFixed(2)} s, ` +
        `hit ${(r.metrics.prefixHitRate * 100).toFixed(0)}%, preemptions ${r.run.engines.reduce((a, e) => a + e.preemptions, 0)} ` +
        `(${r.run.virtualS.toFixed(0)} virtual s in ${r.run.wallS.toFixed(1)} s)`,
    );
  }

  // Staleness sweep: precise prefix + load at one fixed rate below its saturation (70% of the top
  // stage), 4 scrape intervals × in-flight accounting on/off.
  const sweep: Row[] = [];
  const sweepRate = +(TOP_RATE * 0.7).toFixed(2);
  const sweepStages = [{ rate: sweepRate, durationS: Math.max(10, 60 * o.scale) }];
  const precise = cachePressureContenders().find(
    (c) => c.name === "precise-prefix+load",
  ) as Contender;
  const ttftP99 = new Map<string, number>();
  // Several seeds per cell (B2 asks for 3–5): one run at this operating point is chaotic.
  const seeds = Array.from({ length: o.scale === 1 ? 3 : 1 }, (_, i) => o.seed + i);
  const med = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const m = Math.floor(v.length / 2);
    return v.length % 2 === 1 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
  };
  const sweepTable: Row[] = [];
  if (o.staleness !== false) {
    for (const inFlight of [true, false]) {
      for (const ms of [0, 50, 100, 500]) {
        const p99s: number[] = [];
        const p50s: number[] = [];
        const outs: number[] = [];
        const hits: number[] = [];
        for (const seed of seeds) {
          const r = await runOne(precise, sweepStages, seed, ms / 1000, inFlight);
          p99s.push(r.metrics.ttft.p99);
          p50s.push(r.metrics.ttft.p50);
          outs.push(r.metrics.outputThroughput);
          hits.push(r.metrics.prefixHitRate * 100);
          sweep.push({
            ...metricRow(
              {
                part: "staleness",
                contender: precise.name,
                scrape_ms: ms,
                in_flight: inFlight ? "on" : "off",
                rate_qps: sweepRate,
                seed,
              },
              r.metrics,
            ),
          });
          log(
            `cache-pressure staleness ${ms} ms, in-flight ${inFlight ? "on" : "off"}, seed ${seed}: TTFT p99 ${r.metrics.ttft.p99.toFixed(2)} s, ` +
              `out ${r.metrics.outputThroughput.toFixed(0)} tok/s`,
          );
        }
        ttftP99.set(`${ms}/${inFlight ? "on" : "off"}`, med(p99s));
        sweepTable.push({
          "scrape interval ms": ms,
          "in-flight accounting": inFlight ? "on" : "off",
          "TTFT p50 s (median)": med(p50s),
          "TTFT p99 s (median)": med(p99s),
          "TTFT p99 s per seed": p99s.map((v) => v.toFixed(2)).join(" / "),
          "out tok/s (median)": med(outs),
          "hit % (median)": med(hits),
        });
      }
    }
  }

  const top = (n: string) => ladderRes.get(n)?.[stages.length - 1];
  const rnd = top("random");
  const pre = top("precise-prefix+load");
  const apx = top("approximate-prefix+load");
  const fig: Record<string, number> = {};
  if (rnd !== undefined && pre !== undefined) {
    fig.top_precise_vs_random_output_ratio = pre.outputTokPerS / rnd.outputTokPerS;
    fig.top_precise_ttft_p90_s = pre.ttftP90;
    fig.top_random_ttft_p90_s = rnd.ttftP90;
  }
  if (rnd !== undefined && apx !== undefined)
    fig.top_approx_vs_random_output_ratio = apx.outputTokPerS / rnd.outputTokPerS;
  const base = ttftP99.get("0/on");
  const s100 = ttftP99.get("100/on");
  const s100off = ttftP99.get("100/off");
  if (base !== undefined && s100 !== undefined)
    fig.staleness_100ms_ttft_p99_cost_pct = (s100 / base - 1) * 100;
  if (base !== undefined && s100off !== undefined)
    fig.staleness_100ms_no_inflight_ttft_p99_cost_pct = (s100off / base - 1) * 100;

  const topTable = markdownTable(
    contenders.map((c) => {
      const t = top(c.name);
      const m = overall.get(c.name);
      return {
        contender: c.name,
        "top-stage out tok/s": t?.outputTokPerS ?? NaN,
        "vs random":
          rnd === undefined || t === undefined ? NaN : t.outputTokPerS / rnd.outputTokPerS,
        "top-stage TTFT mean s": t?.ttftMean ?? NaN,
        "top-stage TTFT p90 s": t?.ttftP90 ?? NaN,
        "whole-run hit %": (m?.prefixHitRate ?? NaN) * 100,
        "whole-run completed": m?.completed ?? NaN,
      };
    }),
  );
  const f = (k: string) => fig[k] ?? NaN;
  const ok = (b: boolean) => (b ? "**met**" : "**missed**");
  const targets = [
    `| figure | measured | target | llm-d published | status |`,
    `| --- | ---: | ---: | ---: | --- |`,
    `| top stage: precise / random output tok/s | ${f("top_precise_vs_random_output_ratio").toFixed(2)}× | ≥ 1.8× | 1.97× | ${ok(f("top_precise_vs_random_output_ratio") >= 1.8)} |`,
    `| top stage: precise TTFT p90 | ${f("top_precise_ttft_p90_s").toFixed(2)} s | ≤ 1 s | 0.54 s | ${ok(f("top_precise_ttft_p90_s") <= 1)} |`,
    `| top stage: random TTFT p90 | ${f("top_random_ttft_p90_s").toFixed(2)} s | > 30 s | 92.6 s | ${ok(f("top_random_ttft_p90_s") > 30)} |`,
    `| top stage: approximate / random output tok/s | ${f("top_approx_vs_random_output_ratio").toFixed(2)}× | ≥ 1.4× | 1.57× | ${ok(f("top_approx_vs_random_output_ratio") >= 1.4)} |`,
    `| 100 ms staleness, in-flight on: TTFT p99 cost | ${pct(f("staleness_100ms_ttft_p99_cost_pct"))} | ≤ +15% | (BLIS: +354% unmitigated) | ${f("staleness_100ms_ttft_p99_cost_pct") < 0 ? "met, but the 0 ms baseline was worse than 100 ms: runs at this load are chaotic (see the per-seed values)" : ok(f("staleness_100ms_ttft_p99_cost_pct") <= 15)} |`,
    `| 100 ms staleness, in-flight off: TTFT p99 cost | ${pct(f("staleness_100ms_no_inflight_ttft_p99_cost_pct"))} | (ablation) | — | — |`,
  ].filter((l) => !l.includes("NaN"));

  const md = [
    `# High cache pressure ladder and staleness sweep (llm-d B2 scenario, DES)`,
    ``,
    `Generated by \`npm run bench -- cache-pressure${o.scale === 1 ? "" : ` --scale ${o.scale}`}\` (seed ${o.seed}).`,
    `${REPLICAS} simulated engines, "32B-TP2-like" cost model (prefill ≈ 15k tok/s, decode step 14 ms + 0.01 ms/seq +` +
      ` 3e-5 ms per context token, 10,313 × 16-token blocks = 165k KV tokens each). Workload: inference-perf shared_prefix,` +
      ` ${WORKLOAD.groups} groups × ${WORKLOAD.usersPerGroup} users, system ${WORKLOAD.systemPromptLen} / question` +
      ` ${WORKLOAD.questionLen} / output ${WORKLOAD.outputLen} tokens; prefix demand 480k tokens = 73% of the cluster,` +
      ` 2.9× one replica. Poisson ladder of ${STAGES} stages of ${stages[0]?.durationS ?? 0} s, ${stages[0]?.rate} → ${TOP_RATE} QPS.`,
    `Contenders are router scheduler configs (weights prefix : least-request : kv-cache-usage = 2 : 1 : 1);` +
      ` "approximate" is the router's prefix-cache plugin (text blocks recorded when a request is sent, forgotten beyond each engine's scraped KV capacity), "precise" its` +
      ` kv-cache-aware plugin (engine block hashes from KV events). Metrics scraped every 200 ms.`,
    ``,
    `## Top stage (${TOP_RATE} QPS)`,
    ``,
    topTable,
    `## Targets`,
    ``,
    ...targets,
    ``,
    ...(sweep.length > 0
      ? [
          `## Staleness sweep (precise prefix + load, ${sweepRate} QPS for ${sweepStages[0]?.durationS} s, seeds ${seeds.join(", ")})`,
          ``,
          markdownTable(sweepTable),
        ]
      : []),
    `Per-stage rows for every contender and full metrics of the sweep: \`cache-pressure.csv\`. Chart: \`cache-pressure.svg\`.`,
    ``,
  ].join("\n");
  const svg = lineChart({
    title: "High cache pressure: output tokens/s per ladder stage (4 replicas, DES)",
    xLabel: "offered load (requests / s)",
    yLabel: "output tokens / s",
    series: contenders.map((c) => ({
      name: c.name,
      points: (ladderRes.get(c.name) ?? []).map((s) => [s.rate, s.outputTokPerS] as const),
    })),
  });
  const allRows = [...rows, ...sweep];
  // One CSV with the union of columns.
  const cols = [...new Set(allRows.flatMap((r) => Object.keys(r)))];
  const uniform = allRows.map((r) => Object.fromEntries(cols.map((k) => [k, r[k] ?? ""])));
  const dir = outputDir(o.scale, o.out);
  const paths = writeReport(dir, "cache-pressure", { markdown: md, rows: uniform, svg });
  log(`wrote ${paths.join(", ")}`);
  if (o.scale === 1 && o.out === undefined)
    await updateSummary(
      "cache-pressure",
      [
        `## cache-pressure — llm-d high cache pressure ladder + staleness sweep (DES, full scale)`,
        ``,
        ...targets,
        ``,
        `Details: [benchmarks/cache-pressure.md](benchmarks/cache-pressure.md).`,
      ].join("\n"),
    );
  return resultLine("cache-pressure", fig);
}
