// vLLM (V1) Prometheus metrics: names, types, label sets and buckets as vLLM publishes them. Gauges and
// counters are read from the engine snapshot at scrape time, so /metrics always equals engine state.

import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { MetricsContext } from "./common.ts";
import { subscribe } from "./common.ts";

const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
  40.0, 80.0, 160.0, 640.0, 2560.0,
];
const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
  40.0, 80.0,
];
const LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
  480.0, 960.0, 1920.0, 7680.0,
];

function tokenBuckets(maxModelLen: number): number[] {
  // vLLM: 1, 2, 5, 10, 20, 50, … up to max_model_len.
  const out: number[] = [];
  for (let m = 1; ; m *= 10) {
    for (const k of [1, 2, 5]) {
      if (k * m > maxModelLen) return out;
      out.push(k * m);
    }
  }
}

export function vllmMetrics(ctx: MetricsContext): { registry: Registry; close: () => void } {
  const registry = new Registry();
  const { engine } = ctx;
  const base = { model_name: ctx.modelName, engine: "0" };
  const labelNames = ["model_name", "engine"] as const;
  const snap = () => engine.snapshot();

  new Gauge({
    name: "vllm:num_requests_running",
    help: "Number of requests in model execution batches.",
    labelNames,
    registers: [registry],
    collect() {
      this.set(base, snap().running);
    },
  });
  new Gauge({
    name: "vllm:num_requests_waiting",
    help: "Number of requests waiting to be processed.",
    labelNames,
    registers: [registry],
    collect() {
      this.set(base, snap().waiting);
    },
  });
  new Gauge({
    name: "vllm:kv_cache_usage_perc",
    help: "KV-cache usage. 1 means 100 percent usage.",
    labelNames,
    registers: [registry],
    collect() {
      this.set(base, snap().kvUsage);
    },
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
    "vllm:prefix_cache_queries_total",
    "Prefix cache queries, in terms of number of queried tokens.",
    () => snap().prefixQueries,
  );
  counter(
    "vllm:prefix_cache_hits_total",
    "Prefix cache hits, in terms of number of cached tokens.",
    () => snap().prefixHits,
  );
  counter(
    "vllm:prompt_tokens_total",
    "Number of prefill tokens processed.",
    () => snap().promptTokens,
  );
  counter(
    "vllm:generation_tokens_total",
    "Number of generation tokens processed.",
    () => snap().generationTokens,
  );
  counter(
    "vllm:num_preemptions_total",
    "Cumulative number of preemption from the engine.",
    () => snap().preemptions,
  );

  const success = new Counter({
    name: "vllm:request_success_total",
    help: "Count of successfully processed requests.",
    labelNames: ["model_name", "engine", "finished_reason"],
    registers: [registry],
  });
  const p = engine.params;
  new Gauge({
    name: "vllm:cache_config_info",
    help: "Information of the LLMEngine CacheConfig",
    labelNames: [
      "block_size",
      "cache_dtype",
      "enable_prefix_caching",
      "gpu_memory_utilization",
      "num_cpu_blocks",
      "num_gpu_blocks",
      "engine",
    ],
    registers: [registry],
    collect() {
      this.set(
        {
          block_size: String(p.blockSize),
          cache_dtype: "auto",
          enable_prefix_caching: String(p.enablePrefixCaching ? "True" : "False"),
          gpu_memory_utilization: "0.9",
          num_cpu_blocks: "0",
          num_gpu_blocks: String(p.numBlocks),
          engine: "0",
        },
        1,
      );
    },
  });
  new Gauge({
    name: "vllm:lora_requests_info",
    help: "Running stats on lora requests.",
    labelNames: ["max_lora", "running_lora_adapters", "waiting_lora_adapters"],
    registers: [registry],
    collect() {
      this.reset();
      const s = snap();
      this.set(
        {
          max_lora: String(ctx.loras.maxLoras),
          running_lora_adapters: s.runningLoras.join(","),
          waiting_lora_adapters: s.waitingLoras.join(","),
        },
        Date.now() / 1000,
      );
    },
  });

  const hist = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });
  const ttft = hist(
    "vllm:time_to_first_token_seconds",
    "Histogram of time to first token in seconds.",
    TTFT_BUCKETS,
  );
  const itl = hist(
    "vllm:inter_token_latency_seconds",
    "Histogram of inter-token latency in seconds.",
    ITL_BUCKETS,
  );
  const tpot = hist(
    "vllm:time_per_output_token_seconds",
    "Histogram of time per output token in seconds.",
    ITL_BUCKETS,
  );
  const e2e = hist(
    "vllm:e2e_request_latency_seconds",
    "Histogram of e2e request latency in seconds.",
    LATENCY_BUCKETS,
  );
  const queue = hist(
    "vllm:request_queue_time_seconds",
    "Histogram of time spent in WAITING phase for request.",
    LATENCY_BUCKETS,
  );
  const prefill = hist(
    "vllm:request_prefill_time_seconds",
    "Histogram of time spent in PREFILL phase for request.",
    LATENCY_BUCKETS,
  );
  const decode = hist(
    "vllm:request_decode_time_seconds",
    "Histogram of time spent in DECODE phase for request.",
    LATENCY_BUCKETS,
  );
  const inference = hist(
    "vllm:request_inference_time_seconds",
    "Histogram of time spent in RUNNING phase for request.",
    LATENCY_BUCKETS,
  );
  const tb = tokenBuckets(p.maxModelLen);
  const maxTokensHist = hist(
    "vllm:request_params_max_tokens",
    "Histogram of the max_tokens request parameter.",
    tb,
  );
  const promptHist = hist("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tb);
  const genHist = hist(
    "vllm:request_generation_tokens",
    "Number of generation tokens processed.",
    tb,
  );

  const close = subscribe(ctx, (r) => {
    if (r.finishReason === "abort" || r.finishReason === "error") {
      success.inc({ ...base, finished_reason: "abort" });
      return;
    }
    const s = ctx.scale;
    success.inc({ ...base, finished_reason: r.finishReason });
    if (r.ttft !== undefined) ttft.observe(base, r.ttft * s);
    for (const g of r.itl) {
      itl.observe(base, g * s);
      tpot.observe(base, g * s);
    }
    e2e.observe(base, r.e2e * s);
    if (r.queueTime !== undefined) queue.observe(base, r.queueTime * s);
    if (r.firstScheduled !== undefined && r.firstToken !== undefined) {
      prefill.observe(base, (r.firstToken - r.firstScheduled) * s);
      decode.observe(base, (r.finished - r.firstToken) * s);
      inference.observe(base, (r.finished - r.firstScheduled) * s);
    }
    maxTokensHist.observe(base, r.maxTokens);
    promptHist.observe(base, r.promptTokens);
    genHist.observe(base, r.outputTokens.length);
  });
  return { registry, close };
}
