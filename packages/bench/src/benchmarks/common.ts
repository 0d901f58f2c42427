// Shared pieces of the benchmark scripts: contender scheduler configs, result rows, RESULT lines,
// output locations.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import * as prettier from "prettier";
import type { RunMetrics } from "../metrics/metrics.ts";
import type { Row } from "../report/table.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const DOCS_DIR = join(REPO_ROOT, "docs", "benchmarks");
export const SUMMARY_FILE = join(REPO_ROOT, "docs", "benchmarks.md");

export interface Contender {
  name: string;
  /** SchedulerConfig document, exactly what --scheduler-config would hold. */
  scheduler: unknown;
}

/** Kthena's router benchmark contenders (kthena.md §7); `kvBlockSize` must equal the engines' block size. */
export function kthenaContenders(kvBlockSize: number): Contender[] {
  return [
    { name: "random", scheduler: { plugins: [{ type: "random" }] } },
    { name: "round-robin", scheduler: { plugins: [{ type: "round-robin" }] } },
    { name: "least-request", scheduler: { plugins: [{ type: "least-request" }] } },
    { name: "kv-cache-usage", scheduler: { plugins: [{ type: "kv-cache-usage" }] } },
    { name: "least-latency", scheduler: { plugins: [{ type: "least-latency" }] } },
    {
      name: "prefix-cache+least-request",
      scheduler: { plugins: [{ type: "prefix-cache" }, { type: "least-request" }] },
    },
    {
      name: "kv-cache-aware+least-request",
      scheduler: {
        plugins: [
          { type: "kv-cache-aware", parameters: { blockSize: kvBlockSize } },
          { type: "least-request" },
        ],
      },
    },
  ];
}

/** Where a run writes: the committed docs folder at full scale, a temp folder otherwise. */
export function outputDir(scale: number, out: string | undefined): string {
  if (out !== undefined) return resolve(out);
  return scale === 1 ? DOCS_DIR : join(tmpdir(), "tessera-bench");
}

export function metricRow(prefix: Row, m: RunMetrics): Row {
  const ms = (v: number) => v * 1000;
  return {
    ...prefix,
    completed: m.completed,
    failed: m.failed,
    duration_s: m.durationS,
    req_per_s: m.requestThroughput,
    output_tok_per_s: m.outputThroughput,
    ttft_mean_ms: ms(m.ttft.mean),
    ttft_p50_ms: ms(m.ttft.p50),
    ttft_p90_ms: ms(m.ttft.p90),
    ttft_p99_ms: ms(m.ttft.p99),
    tpot_mean_ms: ms(m.tpot.mean),
    tpot_p50_ms: ms(m.tpot.p50),
    tpot_p90_ms: ms(m.tpot.p90),
    tpot_p99_ms: ms(m.tpot.p99),
    itl_mean_ms: ms(m.itl.mean),
    itl_p50_ms: ms(m.itl.p50),
    itl_p90_ms: ms(m.itl.p90),
    itl_p99_ms: ms(m.itl.p99),
    e2e_mean_ms: ms(m.e2e.mean),
    e2e_p50_ms: ms(m.e2e.p50),
    e2e_p90_ms: ms(m.e2e.p90),
    e2e_p99_ms: ms(m.e2e.p99),
    concurrency: m.concurrency,
    prefix_hit_pct: m.prefixHitRate * 100,
    per_replica: m.perReplica.join("/"),
    load_imbalance: m.loadImbalance,
  };
}

/** `RESULT <benchmark> k=v k=v ...` — the machine-readable last line(s) of a benchmark. */
export function resultLine(bench: string, figures: Record<string, number | string>): string {
  const kv = Object.entries(figures).map(([k, v]) =>
    typeof v === "number" ? `${k}=${Number.isFinite(v) ? +v.toFixed(3) : "nan"}` : `${k}=${v}`,
  );
  return `RESULT ${bench} ${kv.join(" ")}`;
}

/**
 * Replaces the `<!-- bench:NAME -->` … `<!-- /bench:NAME -->` section of docs/benchmarks.md with
 * `body` (appends it when missing). Only full-scale runs update the summary.
 */
export async function updateSummary(name: string, body: string): Promise<void> {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const text = existsSync(SUMMARY_FILE) ? readFileSync(SUMMARY_FILE, "utf8") : "# Benchmarks\n";
  const block = `${open}\n${body.trim()}\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  const next =
    a !== -1 && b > a
      ? text.slice(0, a) + block + text.slice(b + close.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  // Keep the file as the repository's `prettier --check` wants it.
  const options = (await prettier.resolveConfig(SUMMARY_FILE)) ?? {};
  writeFileSync(SUMMARY_FILE, await prettier.format(next, { ...options, filepath: SUMMARY_FILE }));
}

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

export function pct(v: number): string {
  return `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`;
}
