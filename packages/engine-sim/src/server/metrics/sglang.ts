// SGLang Prometheus metrics (--enable-metrics): engine gauges and latency histograms, label model_name.

import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { MetricsContext } from "./common.ts";
import { subscribe } from "./common.ts";

const TTFT_BUCKETS = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400];
const ITL_BUCKETS = [
  0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.06, 0.08, 0.1, 0.2,
  0.4, 0.6, 0.8, 1, 2, 4, 6, 8,
];
const E2E_BUCKETS = [
  0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 800,
];

export function sglangMetrics(ctx: MetricsContext): { registry: Registry; close: () => void } {
  const registry = new Registry();
  const { engine } = ctx;
  const base = { model_name: ctx.modelName };
  const labelNames = ["model_name"] as const;
  const snap = () => engine.snapshot();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.set(base, read());
      },
    });
  gauge("sglang:num_running_reqs", "The number of running requests.", () => snap().running);
  gauge(
    "sglang:num_queue_reqs",
    "The number of requests in the waiting queue.",
    () => snap().waiting,
  );
  gauge("sglang:token_usage", "The token usage.", () => snap().kvUsage);
  gauge("sglang:num_used_tokens", "The number of used tokens.", () => {
    const s = snap();
    return (s.numBlocks - s.freeBlocks) * s.blockSize;
  });
  gauge("sglang:cache_hit_rate", "The prefix cache hit rate.", () => {
    const s = snap();
    return s.prefixQueries > 0 ? s.prefixHits / s.prefixQueries : 0;
  });
  gauge("sglang:num_retracted_reqs", "The number of retracted requests.", () => snap().preemptions);
  let lastGen = 0;
  let lastAt = Date.now();
  gauge("sglang:gen_throughput", "The generation throughput (token/s).", () => {
    const s = snap();
    const now = Date.now();
    const dt = (now - lastAt) / 1000;
    const rate = dt > 0 ? (s.generationTokens - lastGen) / dt : 0;
    lastGen = s.generationTokens;
    lastAt = now;
    return rate;
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(base, read());
      },
    });
  counter(
    "sglang:prompt_tokens_total",
    "Number of prefill tokens processed.",
    () => snap().promptTokens,
  );
  counter(
    "sglang:generation_tokens_total",
    "Number of generation tokens processed.",
    () => snap().generationTokens,
  );
  counter("sglang:cached_tokens_total", "Number of cached prompt tokens.", () => snap().prefixHits);
  const reqs = new Counter({
    name: "sglang:num_requests_total",
    help: "Number of requests processed.",
    labelNames,
    registers: [registry],
  });
  const hist = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const ttft = hist(
    "sglang:time_to_first_token_seconds",
    "Histogram of time to first token in seconds.",
    TTFT_BUCKETS,
  );
  const itl = hist(
    "sglang:inter_token_latency_seconds",
    "Histogram of inter-token latency in seconds.",
    ITL_BUCKETS,
  );
  const tpot = hist(
    "sglang:time_per_output_token_seconds",
    "Histogram of time per output token in seconds.",
    ITL_BUCKETS,
  );
  const e2e = hist(
    "sglang:e2e_request_latency_seconds",
    "Histogram of End-to-end request latency in seconds",
    E2E_BUCKETS,
  );
  const close = subscribe(ctx, (r) => {
    reqs.inc(base);
    if (r.finishReason === "abort") return;
    const s = ctx.scale;
    if (r.ttft !== undefined) ttft.observe(base, r.ttft * s);
    for (const g of r.itl) itl.observe(base, g * s);
    if (r.outputTokens.length > 1 && r.firstToken !== undefined)
      tpot.observe(base, ((r.finished - r.firstToken) / (r.outputTokens.length - 1)) * s);
    e2e.observe(base, r.e2e * s);
  });
  return { registry, close };
}
