// Text Generation Inference metrics (metrics-rs exporter: no labels on most series, counters without a
// _total suffix, `method` on batch histograms).

import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { MetricsContext } from "./common.ts";
import { subscribe } from "./common.ts";

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TOKEN_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

export function tgiMetrics(ctx: MetricsContext): { registry: Registry; close: () => void } {
  const registry = new Registry();
  const { engine } = ctx;
  const snap = () => engine.snapshot();
  new Gauge({
    name: "tgi_queue_size",
    help: "Number of requests waiting in the internal queue",
    registers: [registry],
    collect() {
      this.set(snap().waiting);
    },
  });
  new Gauge({
    name: "tgi_batch_current_size",
    help: "Current batch size",
    registers: [registry],
    collect() {
      this.set(snap().running);
    },
  });
  new Gauge({
    name: "tgi_batch_current_max_tokens",
    help: "Maximum tokens for the current batch",
    registers: [registry],
    collect() {
      const s = snap();
      this.set((s.numBlocks - s.freeBlocks) * s.blockSize);
    },
  });
  const count = new Counter({
    name: "tgi_request_count",
    help: "Total number of requests",
    registers: [registry],
  });
  const success = new Counter({
    name: "tgi_request_success",
    help: "Number of successful requests",
    registers: [registry],
  });
  const failure = new Counter({
    name: "tgi_request_failure",
    help: "Number of failed requests",
    labelNames: ["err"],
    registers: [registry],
  });
  const hist = (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
    new Histogram({ name, help, buckets, labelNames, registers: [registry] });
  const duration = hist("tgi_request_duration", "Request duration", DURATION_BUCKETS);
  const queue = hist("tgi_request_queue_duration", "Request queue duration", DURATION_BUCKETS);
  const inference = hist(
    "tgi_request_inference_duration",
    "Request inference duration",
    DURATION_BUCKETS,
  );
  const perToken = hist(
    "tgi_request_mean_time_per_token_duration",
    "Mean time per token per request",
    DURATION_BUCKETS,
  );
  const input = hist("tgi_request_input_length", "Input token length per request", TOKEN_BUCKETS);
  const generated = hist(
    "tgi_request_generated_tokens",
    "Generated tokens per request",
    TOKEN_BUCKETS,
  );
  const maxNew = hist(
    "tgi_request_max_new_tokens",
    "Maximum new tokens per request",
    TOKEN_BUCKETS,
  );
  const forward = hist("tgi_batch_forward_duration", "Batch forward duration", DURATION_BUCKETS, [
    "method",
  ]);
  const close = subscribe(
    ctx,
    (r) => {
      count.inc();
      if (r.finishReason === "abort" || r.finishReason === "error") {
        failure.inc({ err: "aborted" });
        return;
      }
      const s = ctx.scale;
      success.inc();
      duration.observe(r.e2e * s);
      if (r.queueTime !== undefined) queue.observe(r.queueTime * s);
      if (r.firstScheduled !== undefined) {
        inference.observe((r.finished - r.firstScheduled) * s);
        perToken.observe(
          ((r.finished - r.firstScheduled) / Math.max(1, r.outputTokens.length)) * s,
        );
      }
      input.observe(r.promptTokens);
      generated.observe(r.outputTokens.length);
      maxNew.observe(r.outputTokens.length);
    },
    (plan) =>
      forward.observe(
        { method: plan.prefillTokens > 0 ? "prefill" : "decode" },
        plan.duration * ctx.scale,
      ),
  );
  return { registry, close };
}
