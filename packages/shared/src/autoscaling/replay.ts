// Replays a demand trace through a Recommender with a simple serving model, for the console's
// autoscaling tuner and for tests. Model:
//   • every replica serves up to `capacityPerReplica` units of demand once ready;
//   • a replica added at time t becomes ready at t + readyDelayMs; removals take not-ready replicas
//     first (newest first), then ready ones, immediately;
//   • the observed metric is either the external total (metric = demand) or per-pod samples where
//     each ready pod reports demand / ready (its share of the load) and not-ready pods report
//     `ready: false`;
//   • the recommender decides every `decisionIntervalMs` (Kthena reconciles every 15 s).
import { Recommender } from "./recommender.ts";
import type {
  LimitKind,
  MetricObservation,
  PodSample,
  ScalingMode,
  ScalingParams,
} from "./types.ts";

export interface TracePoint {
  t: number;
  demand: number;
}

export interface ReplayOptions {
  capacityPerReplica: number;
  readyDelayMs: number;
  decisionIntervalMs?: number;
  initialReplicas?: number;
  /** "external": the metric is the total demand; "pods": each ready pod reports demand / ready. */
  metricKind?: "external" | "pods";
  /** Metric name fed to the recommender (default: the policy's first metric). */
  metricName?: string;
}

export interface ReplaySample {
  t: number;
  demand: number;
  /** External value, or the per-pod average load over ready pods. */
  metricValue: number;
  desired: number;
  ready: number;
  served: number;
  mode: ScalingMode;
  limit: LimitKind;
  /** Only on samples where a decision was made. */
  message?: string;
}

export function replayTrace(
  params: ScalingParams,
  trace: readonly TracePoint[],
  options: ReplayOptions,
): ReplaySample[] {
  const interval = options.decisionIntervalMs ?? 15_000;
  const metricName = options.metricName ?? params.metrics[0]?.name;
  if (metricName === undefined) throw new Error("replayTrace: the policy has no metric");
  const rec = new Recommender(params);
  const first = trace[0]?.t ?? 0;
  const init = options.initialReplicas ?? params.minReplicas;
  /** readyAt per replica, in creation order. */
  let replicas: number[] = Array.from({ length: init }, () => first);
  let desired = init;
  let mode: ScalingMode = "Stable";
  let limit: LimitKind = "none";
  let nextDecision = first;
  const out: ReplaySample[] = [];

  for (const { t, demand } of trace) {
    const readyCount = () => replicas.filter((r) => r <= t).length;
    let message: string | undefined;
    if (t >= nextDecision) {
      while (nextDecision <= t) nextDecision += interval;
      const obs: MetricObservation =
        options.metricKind === "pods"
          ? { kind: "pods", samples: podSamples(replicas, t, demand) }
          : { kind: "external", value: demand };
      const d = rec.decide({
        now: t,
        currentReplicas: desired,
        observations: { [metricName]: obs },
      });
      mode = d.mode;
      limit = d.reason.limit;
      message = d.reason.message;
      if (d.desired > desired) {
        for (let i = desired; i < d.desired; i++) replicas.push(t + options.readyDelayMs);
      } else if (d.desired < desired) {
        let remove = desired - d.desired;
        // Not-ready replicas go first (newest first), then ready ones.
        const order = replicas
          .map((r, i) => ({ r, i }))
          .sort((a, b) => Number(b.r > t) - Number(a.r > t) || b.i - a.i);
        const drop = new Set<number>();
        for (const { i } of order) {
          if (remove-- <= 0) break;
          drop.add(i);
        }
        replicas = replicas.filter((_, i) => !drop.has(i));
      }
      desired = d.desired;
    }
    const ready = readyCount();
    const metricValue = options.metricKind === "pods" ? (ready > 0 ? demand / ready : 0) : demand;
    out.push({
      t,
      demand,
      metricValue,
      desired,
      ready,
      served: Math.min(demand, ready * options.capacityPerReplica),
      mode,
      limit,
      ...(message !== undefined ? { message } : {}),
    });
  }
  return out;
}

function podSamples(replicas: readonly number[], t: number, demand: number): PodSample[] {
  const ready = replicas.filter((r) => r <= t).length;
  return replicas.map((r, i) =>
    r <= t ? { pod: `r${i}`, ready: true, value: demand / ready } : { pod: `r${i}`, ready: false },
  );
}

/** Deterministic PRNG (mulberry32) so traces and property tests are reproducible from a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TraceShape {
  startMs?: number;
  durationMs: number;
  stepMs: number;
}

/** Demand `before` until `atMs`, then `after`. */
export function stepTrace(
  s: TraceShape & { before: number; after: number; atMs: number },
): TracePoint[] {
  return points(s, (t) => (t < s.atMs ? s.before : s.after));
}

/** Baseline with a rectangular spike of `peak` between atMs and atMs + widthMs. */
export function spikeTrace(
  s: TraceShape & { base: number; peak: number; atMs: number; widthMs: number },
): TracePoint[] {
  return points(s, (t) => (t >= s.atMs && t < s.atMs + s.widthMs ? s.peak : s.base));
}

/** mean + amplitude·sin(2πt/period) with multiplicative noise ±noise (fraction), seeded. */
export function diurnalTrace(
  s: TraceShape & {
    mean: number;
    amplitude: number;
    periodMs: number;
    noise: number;
    seed: number;
  },
): TracePoint[] {
  const rnd = mulberry32(s.seed);
  return points(s, (t) => {
    const base = s.mean + s.amplitude * Math.sin((2 * Math.PI * t) / s.periodMs);
    return Math.max(0, base * (1 + s.noise * (2 * rnd() - 1)));
  });
}

function points(s: TraceShape, f: (t: number) => number): TracePoint[] {
  const out: TracePoint[] = [];
  const start = s.startMs ?? 0;
  for (let t = start; t < start + s.durationMs; t += s.stepMs)
    out.push({ t, demand: f(t - start) });
  return out;
}
