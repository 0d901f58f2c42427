// B1: Kthena's router benchmark (kthena.md §7, performance.md §1.5 and B1) in the discrete-event mode:
// three `kthena-7B` engines, SGLang generated-shared-prefix 256 groups × 32 prompts, request rate 800,
// max concurrency 300, long (system 4,096 / question 256 / output 128) and short (256 / 4,096 / 128)
// scenarios, seven routing contenders, all through the router's production scheduling plugins.
import { runDes } from "../des/driver.ts";
import type { DesRunResult } from "../des/driver.ts";
import { computeMetrics } from "../metrics/metrics.ts";
import type { RunMetrics } from "../metrics/metrics.ts";
import { barChart } from "../report/svg.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { generatedSharedPrefix, poissonArrivals } from "../workload/workload.ts";
import {
  kthenaContenders,
  log,
  metricRow,
  outputDir,
  pct,
  resultLine,
  updateSummary,
} from "./common.ts";
import type { Contender } from "./common.ts";

export interface KthenaOptions {
  /** Fraction of the 32 prompts per group (256 groups are kept so cache pressure is unchanged). */
  scale: number;
  seed: number;
  out?: string | undefined;
  scenarios?: readonly ("long" | "short")[];
  contenders?: readonly string[] | undefined;
  /** Router scrape interval (virtual seconds); default the router's 200 ms. */
  scrapeIntervalS?: number;
}

export const SCENARIOS = {
  long: { systemPromptLen: 4096, questionLen: 256, outputLen: 128 },
  short: { systemPromptLen: 256, questionLen: 4096, outputLen: 128 },
} as const;

/** Kthena's published numbers (req/s, mean E2E s, mean TTFT s), kthena.md §7. */
export const KTHENA_PUBLISHED: Record<string, Record<string, [number, number, number]>> = {
  long: {
    random: [11.81, 25.23, 2.15],
    "least-request": [9.86, 30.13, 12.46],
    "kv-cache-usage": [9.56, 30.92, 13.14],
    "least-latency": [9.47, 31.44, 11.07],
    "prefix-cache+least-request": [23.87, 12.47, 0.83],
    "kv-cache-aware+least-request": [32.22, 9.22, 0.57],
  },
  short: {
    random: [8.21, 36.25, 4.54],
    "least-request": [7.98, 37.27, 13.88],
    "kv-cache-usage": [7.77, 38.15, 15.03],
    "least-latency": [7.09, 41.91, 15.46],
    "prefix-cache+least-request": [8.3, 35.84, 11.0],
    "kv-cache-aware+least-request": [8.08, 36.67, 12.19],
  },
};

export const REPLICAS = 3;
export const PRESET = "kthena-7B";
export const BLOCK_SIZE = 128;

export interface KthenaCell {
  scenario: "long" | "short";
  contender: string;
  metrics: RunMetrics;
  run: DesRunResult;
}

export function kthenaWorkload(scenario: "long" | "short", promptsPerGroup: number, seed: number) {
  const reqs = generatedSharedPrefix({
    groups: 256,
    promptsPerGroup,
    ...SCENARIOS[scenario],
    seed,
  });
  poissonArrivals(reqs, 800, seed);
  return reqs;
}

export async function runKthenaCell(
  scenario: "long" | "short",
  c: Contender,
  promptsPerGroup: number,
  seed: number,
  scrapeIntervalS: number,
): Promise<KthenaCell> {
  const run = await runDes({
    engines: { replicas: REPLICAS, preset: PRESET },
    router: {
      scheduler: c.scheduler,
      scrapeIntervalS,
      kvEventDelayS: 0.005,
      inFlightAccounting: true,
      seed,
    },
    requests: kthenaWorkload(scenario, promptsPerGroup, seed),
    maxConcurrency: 300,
    seed,
  });
  return { scenario, contender: c.name, metrics: computeMetrics(run.records, REPLICAS), run };
}

export async function kthenaBenchmark(o: KthenaOptions): Promise<string> {
  const perGroup = Math.max(2, Math.round(32 * o.scale));
  const scrape = o.scrapeIntervalS ?? 0.2;
  const scenarios = o.scenarios ?? ["long", "short"];
  const contenders = kthenaContenders(BLOCK_SIZE).filter(
    (c) => o.contenders === undefined || o.contenders.includes(c.name) || c.name === "random",
  );
  const cells: KthenaCell[] = [];
  for (const scenario of scenarios) {
    for (const c of contenders) {
      const cell = await runKthenaCell(scenario, c, perGroup, o.seed, scrape);
      cells.push(cell);
      const m = cell.metrics;
      log(
        `kthena ${scenario} ${c.name}: ${m.requestThroughput.toFixed(2)} req/s, TTFT ${m.ttft.mean.toFixed(2)} s, ` +
          `E2E ${m.e2e.mean.toFixed(2)} s, hit ${(m.prefixHitRate * 100).toFixed(0)}% ` +
          `(${cell.run.virtualS.toFixed(0)} virtual s in ${cell.run.wallS.toFixed(1)} s)`,
      );
    }
  }
  const get = (s: string, c: string) =>
    cells.find((x) => x.scenario === s && x.contender === c)?.metrics;

  // Headline figures: kv-cache-aware + least-request against random (and prefix against random).
  const lr = get("long", "random");
  const lk = get("long", "kv-cache-aware+least-request");
  const lp = get("long", "prefix-cache+least-request");
  const sr = get("short", "random");
  const fig: Record<string, number> = {};
  if (lr !== undefined && lk !== undefined) {
    fig.long_throughput_ratio = lk.requestThroughput / lr.requestThroughput;
    fig.long_ttft_reduction = (1 - lk.ttft.mean / lr.ttft.mean) * 100;
    fig.long_e2e_reduction = (1 - lk.e2e.mean / lr.e2e.mean) * 100;
  }
  if (lr !== undefined && lp !== undefined)
    fig.long_prefix_throughput_ratio = lp.requestThroughput / lr.requestThroughput;
  if (sr !== undefined) {
    let dev = 0;
    for (const c of cells)
      if (c.scenario === "short")
        dev = Math.max(dev, Math.abs(c.metrics.requestThroughput / sr.requestThroughput - 1) * 100);
    fig.short_max_deviation_pct = dev;
  }

  const rows: Row[] = cells.map((c) => ({
    ...metricRow(
      { scenario: c.scenario, contender: c.contender, mode: "des", scale: o.scale },
      c.metrics,
    ),
    preemptions: c.run.engines.reduce((a, e) => a + e.preemptions, 0),
    sched_us_per_decision: (c.run.schedulerWallS / Math.max(1, c.run.decisions)) * 1e6,
    virtual_s: c.run.virtualS,
    wall_s: c.run.wallS,
  }));

  const headline = (scenario: "long" | "short") => {
    const base = get(scenario, "random");
    return markdownTable(
      cells
        .filter((c) => c.scenario === scenario)
        .map((c) => {
          const m = c.metrics;
          const pub = KTHENA_PUBLISHED[scenario]?.[c.contender];
          const pubBase = KTHENA_PUBLISHED[scenario]?.random;
          return {
            contender: c.contender,
            "req/s": m.requestThroughput,
            "vs random": base === undefined ? NaN : m.requestThroughput / base.requestThroughput,
            "out tok/s": m.outputThroughput,
            "TTFT mean s": m.ttft.mean,
            "TTFT p50/p90/p99 s": `${m.ttft.p50.toFixed(2)} / ${m.ttft.p90.toFixed(2)} / ${m.ttft.p99.toFixed(2)}`,
            "TPOT mean ms": m.tpot.mean * 1000,
            "ITL p50/p99 ms": `${(m.itl.p50 * 1000).toFixed(0)} / ${(m.itl.p99 * 1000).toFixed(0)}`,
            "E2E mean s": m.e2e.mean,
            "hit %": m.prefixHitRate * 100,
            "per replica": m.perReplica.join("/"),
            "Kthena req/s (vs random)":
              pub === undefined || pubBase === undefined
                ? "—"
                : `${pub[0]} (${(pub[0] / pubBase[0]).toFixed(2)}×)`,
            "Kthena TTFT s": pub === undefined ? "—" : String(pub[2]),
          };
        }),
    );
  };

  const targets = targetLines(fig);
  const md = [
    `# Kthena routing benchmark (discrete-event mode)`,
    ``,
    `Generated by \`npm run bench -- kthena${o.scale === 1 ? "" : ` --scale ${o.scale}`}\` (seed ${o.seed}).`,
    `Three \`${PRESET}\` engines; SGLang generated-shared-prefix workload, 256 groups × ${perGroup} prompts` +
      ` (${256 * perGroup} requests), Poisson request rate 800/s, max concurrency 300, output 128 tokens (ignore_eos).`,
    `Routing is the router's production scheduler and plugins, driven on virtual time; engine metrics are` +
      ` scraped through the router's scraper every ${scrape * 1000} ms; KV events reach the kv-cache-aware index 5 ms after` +
      ` the engine step. Plugin parameters are the router's defaults except kv-cache-aware's \`blockSize: ${BLOCK_SIZE}\`` +
      ` (the engines' block size); weights 1:1.`,
    ``,
    ...(o.scale < 1
      ? [
          `> Reduced scale: ${perGroup} prompts per group instead of 32, so each system prompt is reused`,
          `> far less often and the affinity policies have little to gain. Only full-scale figures count.`,
          ``,
        ]
      : []),
    ...(scenarios.includes("long")
      ? [`## Long system prompt (4,096 / 256 / 128)`, ``, headline("long")]
      : []),
    ...(scenarios.includes("short")
      ? [`## Short system prompt (256 / 4,096 / 128)`, ``, headline("short")]
      : []),
    `## Targets`,
    ``,
    ...targets,
    ``,
    `Full metrics (mean/p50/p90/p99 of TTFT, TPOT, ITL, E2E; throughput; hit rate; per-replica load;` +
      ` preemptions; scheduler CPU per decision): \`kthena.csv\`. Chart: \`kthena.svg\`.`,
    ``,
  ].join("\n");
  const svg = barChart({
    title: `Kthena workload: throughput by routing policy (3 × ${PRESET}, DES)`,
    yLabel: "requests / s",
    categories: contenders.map((c) => c.name.replace("+least-request", "+LR")),
    series: scenarios.map((s) => ({
      name: `${s} system prompt`,
      values: contenders.map((c) => get(s, c.name)?.requestThroughput ?? NaN),
    })),
  });
  const dir = outputDir(o.scale, o.out);
  const paths = writeReport(dir, "kthena", { markdown: md, rows, svg });
  log(`wrote ${paths.join(", ")}`);
  if (o.scale === 1 && o.out === undefined)
    await updateSummary(
      "kthena",
      [
        `## kthena — Kthena's routing benchmark (DES, full scale)`,
        ``,
        ...targets,
        ``,
        `Details: [benchmarks/kthena.md](benchmarks/kthena.md).`,
      ].join("\n"),
    );
  return resultLine("kthena", fig);
}

function targetLines(fig: Record<string, number>): string[] {
  const f = (k: string) => fig[k] ?? NaN;
  const ok = (b: boolean) => (b ? "**met**" : "**missed**");
  const lines = [
    `| long: kv-cache-aware+LR / random throughput | ${f("long_throughput_ratio").toFixed(2)}× | ≥ 2.73× | 2.73× | ${ok(f("long_throughput_ratio") >= 2.73)} |`,
    `| long: kv-cache-aware+LR TTFT vs random | ${pct(-f("long_ttft_reduction"))} | ≤ −73.5% | −73.5% | ${ok(f("long_ttft_reduction") >= 73.5)} |`,
    `| long: kv-cache-aware+LR E2E vs random | ${pct(-f("long_e2e_reduction"))} | (reported) | −63.5% | — |`,
    `| long: prefix-cache+LR / random throughput | ${f("long_prefix_throughput_ratio").toFixed(2)}× | ≥ 2.0× | 2.02× | ${ok(f("long_prefix_throughput_ratio") >= 2)} |`,
    `| short: max deviation from random | ${f("short_max_deviation_pct").toFixed(1)}% | ≤ 10% | 13.6% | ${ok(f("short_max_deviation_pct") <= 10)} |`,
  ].filter((l) => !l.includes("NaN"));
  return [
    `| figure | measured | target | Kthena published | status |`,
    `| --- | ---: | ---: | ---: | --- |`,
    ...lines,
  ];
}
