// Benchmark metrics as vLLM's `vllm bench serve` (benchmarks/serve.py, BenchmarkMetrics) and SGLang's
// `bench_serving.py` define them (performance.md §2.2):
// - TTFT: first output token received − request sent (client side, includes queueing and prefill).
// - TPOT: per request (E2E − TTFT) / (output tokens − 1), only requests with more than one output
//   token; then aggregated over requests.
// - ITL: every gap between consecutive output chunks, pooled over all requests.
// - E2E: completion − send.
// - Request throughput = completed / duration; output tok/s = Σ output tokens / duration, where the
//   duration runs from the first request sent to the last completion.
// - Percentiles with linear interpolation between closest ranks (numpy.percentile's default, which
//   both tools use).
// - Concurrency (SGLang) = Σ E2E / duration. Prefix hit rate = Σ cached prompt tokens / Σ prompt
//   tokens (inference-perf's KV hit %).

export interface RequestRecord {
  index: number;
  group: number;
  /** Replica (engine index) that served it. */
  replica: number;
  /** Seconds: when the client sent it, got the first token, got the last byte. */
  start: number;
  firstToken: number;
  end: number;
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** Gaps between consecutive output tokens (seconds). */
  itl: readonly number[];
  /** Time of every output token (only when the run keeps them). */
  tokenTimes?: readonly number[] | undefined;
  ok: boolean;
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** numpy.percentile(values, q) with the default linear interpolation; `sorted` ascending. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const idx = (q / 100) * (n - 1);
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (idx - lo);
}

export function summarize(values: ArrayLike<number>): Summary {
  const v = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] as number;
  return {
    count: v.length,
    mean: v.length === 0 ? NaN : sum / v.length,
    p50: percentile(v, 50),
    p90: percentile(v, 90),
    p99: percentile(v, 99),
  };
}

export interface RunMetrics {
  completed: number;
  failed: number;
  durationS: number;
  requestThroughput: number;
  outputThroughput: number;
  totalTokenThroughput: number;
  ttft: Summary;
  tpot: Summary;
  itl: Summary;
  e2e: Summary;
  concurrency: number;
  /** Σ cached / Σ prompt tokens, 0..1. */
  prefixHitRate: number;
  /** Requests served per replica. */
  perReplica: number[];
  /** Max over mean of requests per replica (1 = perfectly even). */
  loadImbalance: number;
}

export function computeMetrics(records: readonly RequestRecord[], replicas: number): RunMetrics {
  const ok = records.filter((r) => r.ok);
  let t0 = Infinity;
  let t1 = -Infinity;
  let out = 0;
  let prompt = 0;
  let cached = 0;
  let e2eSum = 0;
  const ttft: number[] = [];
  const tpot: number[] = [];
  const e2e: number[] = [];
  let nItl = 0;
  for (const r of ok) nItl += r.itl.length;
  const itl = new Float64Array(nItl);
  let k = 0;
  const perReplica = new Array<number>(replicas).fill(0);
  for (const r of records) {
    if (r.start < t0) t0 = r.start;
  }
  for (const r of ok) {
    if (r.end > t1) t1 = r.end;
    out += r.outputTokens;
    prompt += r.promptTokens;
    cached += r.cachedTokens;
    const lat = r.end - r.start;
    e2eSum += lat;
    e2e.push(lat);
    const ft = r.firstToken - r.start;
    ttft.push(ft);
    if (r.outputTokens > 1) tpot.push((lat - ft) / (r.outputTokens - 1));
    for (const g of r.itl) itl[k++] = g;
    if (r.replica >= 0 && r.replica < replicas)
      perReplica[r.replica] = (perReplica[r.replica] as number) + 1;
  }
  const duration = ok.length === 0 ? 0 : t1 - t0;
  const mean = ok.length / Math.max(1, replicas);
  return {
    completed: ok.length,
    failed: records.length - ok.length,
    durationS: duration,
    requestThroughput: duration > 0 ? ok.length / duration : 0,
    outputThroughput: duration > 0 ? out / duration : 0,
    totalTokenThroughput: duration > 0 ? (out + prompt) / duration : 0,
    ttft: summarize(ttft),
    tpot: summarize(tpot),
    itl: summarize(itl),
    e2e: summarize(e2e),
    concurrency: duration > 0 ? e2eSum / duration : 0,
    prefixHitRate: prompt > 0 ? cached / prompt : 0,
    perReplica,
    loadImbalance: mean > 0 ? Math.max(...perReplica) / mean : 0,
  };
}
