// Pod metric sources (kthena.md §5): scrape http://podIP:port/uri of the target's pods, parse the
// Prometheus text exposition format, and turn one metric into per-pod samples for the core.
//   • counter / gauge families: the sum over the family's series on each pod;
//   • histogram families: the p95 of the bucket increase between now and the newest snapshot of
//     the same pod that is at least 60 s old (snapshots kept 300 s, dropped when the pod restarts);
//     a pod without such a snapshot yet reports no value (missing) this cycle.
// Engine dialects are normalised: a metric name may be a dialect-neutral alias (e.g.
// `num_requests_waiting`) that resolves to vLLM's, SGLang's or TGI's family, whichever the pod
// exposes; a literal family name (e.g. `vllm:num_requests_waiting`) is used as is.
// No maintained npm parser fits: prom-client only writes the format and the parsers on npm are
// unmaintained, so this is a small line parser for the subset engines emit (no timestamps needed).
import type { MetricObservation, PodSample } from "@tessera/shared/autoscaling/index";
import type { PodObject } from "../../k8s/types.ts";

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;

function parseValue(s: string): number {
  if (s === "+Inf" || s === "Inf") return Number.POSITIVE_INFINITY;
  if (s === "-Inf") return Number.NEGATIVE_INFINITY;
  if (s === "NaN") return Number.NaN;
  return Number(s);
}

/** Parses the Prometheus text format; comment/TYPE lines and malformed lines are skipped. */
export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL))
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) =>
        c === "n" ? "\n" : c,
      );
    const value = parseValue(m[3] as string);
    if (Number.isNaN(value) && m[3] !== "NaN") continue;
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/** Dialect-neutral names → the family in each engine dialect (docs/engine-sim.md §3.1). */
export const DIALECT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  num_requests_waiting: ["vllm:num_requests_waiting", "sglang:num_queue_reqs", "tgi_queue_size"],
  num_requests_running: [
    "vllm:num_requests_running",
    "sglang:num_running_reqs",
    "tgi_batch_current_size",
  ],
  kv_cache_usage: ["vllm:kv_cache_usage_perc", "sglang:token_usage"],
  time_to_first_token_seconds: [
    "vllm:time_to_first_token_seconds",
    "sglang:time_to_first_token_seconds",
  ],
  e2e_request_latency_seconds: [
    "vllm:e2e_request_latency_seconds",
    "sglang:e2e_request_latency_seconds",
    "tgi_request_duration",
  ],
  request_queue_time_seconds: ["vllm:request_queue_time_seconds", "tgi_request_queue_duration"],
  generation_tokens_total: [
    "vllm:generation_tokens_total",
    "sglang:generation_tokens_total",
    "tgi_request_generated_tokens_sum",
  ],
  prompt_tokens_total: ["vllm:prompt_tokens_total", "sglang:prompt_tokens_total"],
};

export type FamilyValue =
  | { kind: "scalar"; value: number }
  /** Cumulative bucket counts by upper bound (ascending, +Inf last). */
  | { kind: "histogram"; buckets: [number, number][] };

/** The value of one family (summed over its series), resolving dialect aliases. */
export function familyValue(
  samples: readonly PromSample[],
  metric: string,
): FamilyValue | undefined {
  const names = [metric, ...(DIALECT_ALIASES[metric] ?? [])];
  for (const name of names) {
    const buckets = new Map<number, number>();
    for (const s of samples)
      if (s.name === `${name}_bucket` && s.labels["le"] !== undefined) {
        const le = parseValue(s.labels["le"]);
        buckets.set(le, (buckets.get(le) ?? 0) + s.value);
      }
    if (buckets.size > 0)
      return { kind: "histogram", buckets: [...buckets].sort((a, b) => a[0] - b[0]) };
    let found = false;
    let sum = 0;
    for (const s of samples)
      if (s.name === name) {
        found = true;
        sum += s.value;
      }
    if (found) return { kind: "scalar", value: sum };
  }
  return undefined;
}

/**
 * Quantile of the increase between two cumulative histograms (Prometheus histogram_quantile
 * semantics: linear interpolation inside the bucket; the +Inf bucket yields its lower bound).
 * Undefined when nothing was observed in between.
 */
export function histogramQuantile(
  q: number,
  now: readonly [number, number][],
  before: readonly [number, number][] | undefined,
): number | undefined {
  const prev = new Map(before ?? []);
  const delta = now.map(([le, c]) => [le, Math.max(0, c - (prev.get(le) ?? 0))] as const);
  const total = delta[delta.length - 1]?.[1] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, c] of delta) {
    if (c >= rank) {
      if (!Number.isFinite(le)) return lowerBound;
      if (c === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (c - lowerCount);
    }
    lowerBound = le;
    lowerCount = c;
  }
  return lowerBound;
}

export function podReady(p: PodObject): boolean {
  return (
    p.status?.phase === "Running" &&
    (p.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") &&
    p.metadata?.deletionTimestamp === undefined
  );
}

function restarts(p: PodObject): number {
  return (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0);
}

export interface PodSource {
  port: number;
  uri: string;
}

export interface ScraperOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Histogram baseline age (default 60 s) and snapshot retention (default 300 s). */
  minSnapshotAgeMs?: number;
  retentionMs?: number;
}

interface Snapshot {
  t: number;
  restarts: number;
  samples: PromSample[];
}

export class PodScraper {
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly minAge: number;
  private readonly retention: number;
  /** By `podUID|ip:port/uri`: scrapes, oldest first. */
  private readonly history = new Map<string, Snapshot[]>();

  constructor(o: ScraperOptions = {}) {
    this.fetchFn = o.fetch ?? fetch;
    this.timeoutMs = o.timeoutMs ?? 3000;
    this.minAge = o.minSnapshotAgeMs ?? 60_000;
    this.retention = o.retentionMs ?? 300_000;
  }

  private async get(pod: PodObject, src: PodSource): Promise<PromSample[] | undefined> {
    const ip = pod.status?.podIP;
    if (!ip) return undefined;
    const host = ip.includes(":") ? `[${ip}]` : ip;
    const uri = src.uri.startsWith("/") ? src.uri : `/${src.uri}`;
    try {
      const res = await this.fetchFn(`http://${host}:${src.port}${uri}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) return undefined;
      return parsePrometheusText(await res.text());
    } catch {
      return undefined;
    }
  }

  /**
   * Scrapes every pod once per call (one request per pod for all metrics of the source) and
   * returns one observation per metric. A Failed pod or a restarted container makes every metric
   * missing this cycle (Kthena skips the cycle rather than act on a crash loop).
   */
  async observe(
    pods: readonly PodObject[],
    src: PodSource,
    metrics: readonly string[],
    now: number,
  ): Promise<Record<string, MetricObservation>> {
    const out: Record<string, MetricObservation> = {};
    const live = pods.filter((p) => p.metadata?.deletionTimestamp === undefined);
    if (live.some((p) => p.status?.phase === "Failed" || restarts(p) > 0)) {
      for (const m of metrics) out[m] = { kind: "missing" };
      return out;
    }
    const scraped = await Promise.all(
      live.map(async (p) => ({
        pod: p,
        ready: podReady(p),
        samples: podReady(p) ? await this.get(p, src) : undefined,
      })),
    );
    const perMetric: Record<string, PodSample[]> = {};
    for (const m of metrics) perMetric[m] = [];
    const seen = new Set<string>();
    for (const { pod, ready, samples } of scraped) {
      const name = pod.metadata?.name ?? "";
      const key = `${pod.metadata?.uid ?? name}|${pod.status?.podIP ?? ""}:${src.port}${src.uri}`;
      seen.add(key);
      const hist = (this.history.get(key) ?? []).filter((s) => now - s.t <= this.retention);
      let baseline: Snapshot | undefined;
      for (const s of hist)
        if (now - s.t >= this.minAge && s.restarts === restarts(pod)) baseline = s;
      for (const m of metrics) {
        const list = perMetric[m] as PodSample[];
        if (!ready || samples === undefined) {
          list.push({ pod: name, ready });
          continue;
        }
        const v = familyValue(samples, m);
        let value: number | undefined;
        if (v?.kind === "scalar") value = v.value;
        else if (v?.kind === "histogram" && baseline) {
          const b = familyValue(baseline.samples, m);
          value =
            histogramQuantile(0.95, v.buckets, b?.kind === "histogram" ? b.buckets : undefined) ??
            0;
        }
        list.push(
          value === undefined ? { pod: name, ready: true } : { pod: name, ready: true, value },
        );
      }
      if (samples !== undefined) hist.push({ t: now, restarts: restarts(pod), samples });
      this.history.set(key, hist);
    }
    for (const k of this.history.keys()) if (!seen.has(k)) this.history.delete(k);
    for (const m of metrics) out[m] = { kind: "pods", samples: perMetric[m] ?? [] };
    return out;
  }
}
