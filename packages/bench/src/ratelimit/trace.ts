// Deterministic request trace for the rate-limit benchmark: Poisson arrivals at `load` × the limit,
// heavy-tailed sizes (lognormal σ = 1: prompt median 800, output median 200 bounded by max_tokens),
// 5% client aborts mid-stream, and optional window-edge bursts (≈ 0.8 × limit at W − 1 s and W + 1 s).
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";

export interface TraceReq {
  id: string;
  t: number;
  input: number;
  maxTokens: number;
  /** Output the engine would produce. */
  output: number;
  /** Output tokens after which the client aborts (< output), or -1. */
  abortAt: number;
}

export const ITL_MS = 10;
export const TTFT_MS = 200;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function lognormal(r: () => number, median: number, sigma: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.round(median * Math.exp(sigma * gauss(r)))));
}

export function makeReq(r: () => number, id: string, t: number): TraceReq {
  const input = lognormal(r, 800, 1, 16_000);
  const maxTokens = [256, 1024, 2048][Math.floor(r() * 3)] as number;
  const output = lognormal(r, 200, 1, maxTokens);
  const abortAt = r() < 0.05 ? Math.floor(r() * output) : -1;
  return { id, t, input, maxTokens, output, abortAt };
}

/** Mean charged tokens (input + output) of the size distribution, by sampling. */
export function meanTokens(seed: number): number {
  const r = mulberry32(seed ^ 0x5eed);
  let s = 0;
  for (let i = 0; i < 20_000; i++) {
    const q = makeReq(r, "", 0);
    s += q.input + (q.abortAt >= 0 ? q.abortAt : q.output);
  }
  return s / 20_000;
}

export function makeTrace(opts: {
  seed: number;
  load: number;
  limit: number;
  windowMs: number;
  durationMs: number;
  edgeBursts: boolean;
}): TraceReq[] {
  const r = mulberry32(opts.seed);
  const rate = (opts.load * opts.limit) / opts.windowMs / meanTokens(opts.seed); // req per ms
  const out: TraceReq[] = [];
  let t = 0;
  let n = 0;
  for (;;) {
    t += -Math.log(1 - r()) / rate;
    if (t >= opts.durationMs) break;
    out.push(makeReq(r, `r${n++}`, Math.floor(t)));
  }
  if (opts.edgeBursts) {
    for (let w = 2; w * opts.windowMs < opts.durationMs; w += 3) {
      for (const at of [w * opts.windowMs - 1_000, w * opts.windowMs + 1_000]) {
        let tok = 0;
        while (tok < 0.8 * opts.limit) {
          const q = makeReq(r, `b${n++}`, at + Math.floor(r() * 100));
          tok += q.input + q.output;
          out.push(q);
        }
      }
    }
  }
  return out.sort((a, b) => a.t - b.t);
}
