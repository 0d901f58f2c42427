// B6 (performance.md §7): autoscaling policies on step, spike and diurnal demand traces.
// Virtual time, 1 s steps; every policy drives the shared recommendation core
// (@tessera/shared/autoscaling) with its own parameters and decision interval:
//   • tessera — Kthena's defaults (instances 1 / 100 % per 15 s, Or) plus a panic policy with
//     Kthena's defaults (threshold 200 %, +1000 %, hold 60 s), a 120 s scale-down stabilization
//     window, per-pod metric, and the feasibility cut (applyPlacementLimit): it never asks for
//     ServingGroups the cluster cannot place.
//   • kpa — Knative KPA defaults mapped onto the core: 2 s tick, external (total) metric, panic at
//     200 % with unbounded growth (max scale-up rate 1000 ⇒ +99 900 %), panic lasting the 60 s
//     stable window, scale-down delay 0 and max scale-down rate 2 (−50 % per tick).
//     Approximations: KPA averages the metric over the 60 s stable / 6 s panic windows, the core
//     uses the latest value with a 60 s scale-down stabilization (max over the window) instead of
//     the average; the panic window's 6 s averaging is not modelled.
//   • hpa — Kubernetes HPA defaults (maps exactly): 15 s sync, 10 % tolerance, per-pod metric with
//     unready pods, scale-up max(4 pods, 100 %) per 15 s, scale-down 100 % per 15 s after a 300 s
//     stabilization window.
// KPA and HPA have no feasibility check: replicas beyond what the cluster can place stay pending
// (counted as pending-group seconds, not as replica-seconds).
// Metrics: reversals of the scaling direction per 10 min; SLO violation % = share of seconds where
// demand exceeds ready capacity; replica-seconds (placed replicas, ready or starting) against an
// oracle that provisions exactly ⌈demand/capacity⌉ ready replicas, starting each one readyDelay
// early (capped by the cluster).
import {
  DEFAULT_PANIC,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP_STABLE,
  Recommender,
  applyPlacementLimit,
  diurnalTrace,
  spikeTrace,
  stepTrace,
} from "@tessera/shared/autoscaling/index";
import type {
  MetricObservation,
  ScalingParams,
  TracePoint,
} from "@tessera/shared/autoscaling/index";
import { lineChart } from "../report/svg.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { log, outputDir, resultLine, updateSummary } from "../benchmarks/common.ts";

export const CAPACITY = 10; // demand units one ready replica serves
export const TARGET = 8; // per-replica metric target (80 % of capacity) for every policy
export const CLUSTER_MAX = 16; // ServingGroups the cluster can place
const METRIC = "load";

export type PolicyName = "tessera" | "kpa" | "hpa";
export const POLICIES: readonly PolicyName[] = ["tessera", "kpa", "hpa"];

interface PolicySpec {
  params: ScalingParams;
  intervalMs: number;
  metric: "pods" | "external";
  feasibility: boolean;
}

export function policySpec(name: PolicyName): PolicySpec {
  const base = {
    metrics: [{ name: METRIC, targetValue: TARGET }],
    minReplicas: 1,
    maxReplicas: 64,
  };
  switch (name) {
    case "tessera":
      return {
        intervalMs: 15_000,
        metric: "pods",
        feasibility: true,
        params: {
          ...base,
          tolerancePercent: 10,
          behavior: {
            scaleUp: { stablePolicy: DEFAULT_SCALE_UP_STABLE, panicPolicy: DEFAULT_PANIC },
            scaleDown: { ...DEFAULT_SCALE_DOWN, stabilizationWindowMs: 120_000 },
          },
        },
      };
    case "kpa":
      return {
        intervalMs: 2_000,
        metric: "external",
        feasibility: false,
        params: {
          ...base,
          tolerancePercent: 0,
          behavior: {
            scaleUp: {
              stablePolicy: {
                instances: 0,
                percent: 99_900,
                periodMs: 2_000,
                selectPolicy: "Or",
                stabilizationWindowMs: 0,
              },
              panicPolicy: {
                percent: 99_900,
                periodMs: 2_000,
                panicThresholdPercent: 200,
                panicModeHoldMs: 60_000,
              },
            },
            scaleDown: {
              instances: 0,
              percent: 50,
              periodMs: 2_000,
              selectPolicy: "Or",
              stabilizationWindowMs: 60_000,
            },
          },
        },
      };
    case "hpa":
      return {
        intervalMs: 15_000,
        metric: "pods",
        feasibility: false,
        params: {
          ...base,
          tolerancePercent: 10,
          behavior: {
            scaleUp: {
              stablePolicy: {
                instances: 4,
                percent: 100,
                periodMs: 15_000,
                selectPolicy: "Or",
                stabilizationWindowMs: 0,
              },
            },
            scaleDown: {
              instances: 0,
              percent: 100,
              periodMs: 15_000,
              selectPolicy: "Or",
              stabilizationWindowMs: 300_000,
            },
          },
        },
      };
  }
}

export interface TraceRun {
  replicaSeconds: number;
  pendingSeconds: number;
  violationSeconds: number;
  seconds: number;
  reversals: number;
  series: { t: number; demand: number; desired: number; ready: number }[];
}

/** Simulates one policy on a 1 s trace. Replicas beyond CLUSTER_MAX never become ready. */
export function simulate(
  name: PolicyName,
  trace: readonly TracePoint[],
  readyDelayMs: number,
): TraceRun {
  const spec = policySpec(name);
  const rec = new Recommender(spec.params);
  let desired = spec.params.minReplicas;
  let replicas: number[] = Array.from({ length: desired }, () => trace[0]?.t ?? 0);
  let next = trace[0]?.t ?? 0;
  let lastDir = 0;
  const run: TraceRun = {
    replicaSeconds: 0,
    pendingSeconds: 0,
    violationSeconds: 0,
    seconds: 0,
    reversals: 0,
    series: [],
  };
  for (const { t, demand } of trace) {
    // Only the first CLUSTER_MAX replicas are placed; the rest are pending forever.
    const placedReady = (i: number, r: number) => i < CLUSTER_MAX && r <= t;
    if (t >= next) {
      while (next <= t) next += spec.intervalMs;
      const ready = replicas.filter((r, i) => placedReady(i, r)).length;
      const obs: MetricObservation =
        spec.metric === "external"
          ? { kind: "external", value: demand }
          : {
              kind: "pods",
              samples: replicas.map((r, i) =>
                placedReady(i, r)
                  ? { pod: `p${i}`, ready: true, value: demand / ready }
                  : { pod: `p${i}`, ready: false },
              ),
            };
      let d = rec.decide({ now: t, currentReplicas: desired, observations: { [METRIC]: obs } });
      if (spec.feasibility)
        d = applyPlacementLimit(d, desired, {
          count: Math.max(0, CLUSTER_MAX - desired),
          blockedBy: "Unschedulable: no free GPUs",
        });
      if (d.desired !== desired) {
        const dir = Math.sign(d.desired - desired);
        if (lastDir !== 0 && dir !== lastDir) run.reversals++;
        lastDir = dir;
      }
      if (d.desired > desired) {
        for (let i = desired; i < d.desired; i++) replicas.push(t + readyDelayMs);
      } else if (d.desired < desired) {
        // Pending and starting replicas go first (newest first), then ready ones.
        replicas = replicas.slice(0, d.desired);
        replicas.sort((a, b) => a - b);
      }
      desired = d.desired;
    }
    const ready = replicas.filter((r, i) => placedReady(i, r)).length;
    run.seconds++;
    run.replicaSeconds += Math.min(replicas.length, CLUSTER_MAX);
    run.pendingSeconds += Math.max(0, replicas.length - CLUSTER_MAX);
    if (demand > ready * CAPACITY + 1e-9) run.violationSeconds++;
    run.series.push({ t, demand, desired, ready });
  }
  return run;
}

/** Oracle: ⌈demand/capacity⌉ ready at every second, each replica started readyDelay early. */
export function oracleReplicaSeconds(trace: readonly TracePoint[], readyDelayMs: number): number {
  const need = trace.map((p) =>
    Math.min(CLUSTER_MAX, Math.max(1, Math.ceil(p.demand / CAPACITY - 1e-9))),
  );
  const ahead = Math.round(readyDelayMs / 1000);
  let total = 0;
  for (let i = 0; i < need.length; i++) {
    let m = 0;
    for (let j = i; j <= Math.min(need.length - 1, i + ahead); j++) m = Math.max(m, need[j] ?? 0);
    total += m;
  }
  return total;
}

export function traces(seed: number, scale: number): Record<string, TracePoint[]> {
  const step = 1000;
  const base = CAPACITY * 8; // "capacity" of the step trace: 8 replicas
  return {
    // 0.2× → 1.5× → 0.5× of 8 replicas' capacity, 10 min each.
    step: stepTrace({
      durationMs: 1_800_000 * scale,
      stepMs: step,
      before: 0.2 * base,
      after: 1.5 * base,
      atMs: 600_000 * scale,
    }).map((p) => (p.t >= 1_200_000 * scale ? { t: p.t, demand: 0.5 * base } : p)),
    spike: spikeTrace({
      durationMs: 1_200_000 * scale,
      stepMs: step,
      base: 30,
      peak: 300,
      atMs: 300_000 * scale,
      widthMs: 30_000,
    }),
    diurnal: diurnalTrace({
      durationMs: 3_600_000 * scale,
      stepMs: step,
      mean: 80,
      amplitude: 50,
      periodMs: 1_800_000 * scale,
      noise: 0.1,
      seed,
    }),
  };
}

export async function autoscalingBenchmark(o: {
  scale: number;
  seed: number;
  out: string | undefined;
}): Promise<string> {
  const rows: Row[] = [];
  const ts = traces(o.seed, o.scale);
  const totals = new Map<
    string,
    { rs: number; oracle: number; viol: number; secs: number; rev: number; pending: number }
  >();
  let chart: string | undefined;
  for (const delay of [15_000, 60_000, 180_000]) {
    for (const [traceName, trace] of Object.entries(ts)) {
      const oracle = oracleReplicaSeconds(trace, delay);
      const runs: Partial<Record<PolicyName, TraceRun>> = {};
      for (const p of POLICIES) {
        const r = simulate(p, trace, delay);
        runs[p] = r;
        rows.push({
          startup_s: delay / 1000,
          trace: traceName,
          policy: p,
          reversals_per_10min: (r.reversals * 600) / r.seconds,
          slo_violation_pct: (100 * r.violationSeconds) / r.seconds,
          replica_seconds: r.replicaSeconds,
          oracle_replica_seconds: oracle,
          replica_seconds_vs_oracle: r.replicaSeconds / oracle,
          pending_group_seconds: r.pendingSeconds,
        });
        if (delay === 60_000) {
          const k = p;
          const t = totals.get(k) ?? { rs: 0, oracle: 0, viol: 0, secs: 0, rev: 0, pending: 0 };
          t.rs += r.replicaSeconds;
          t.oracle += oracle;
          t.viol += r.violationSeconds;
          t.secs += r.seconds;
          t.rev += r.reversals;
          t.pending += r.pendingSeconds;
          totals.set(k, t);
        }
      }
      if (delay === 60_000 && traceName === "spike") {
        const pts = (f: (s: TraceRun["series"][number]) => number, r: TraceRun | undefined) =>
          (r?.series ?? []).filter((_, i) => i % 5 === 0).map((s) => [s.t / 1000, f(s)] as const);
        chart = lineChart({
          title: "Spike trace, 60 s startup: ready replicas",
          xLabel: "time (s)",
          yLabel: "replicas",
          series: [
            {
              name: "needed (demand/capacity)",
              points: pts((s) => s.demand / CAPACITY, runs.tessera),
            },
            ...POLICIES.map((p) => ({ name: `${p} ready`, points: pts((s) => s.ready, runs[p]) })),
          ],
        });
      }
    }
  }
  const fmt = (r: Row): Row =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? +v.toFixed(3) : v]),
    );
  const summary: Row[] = POLICIES.map((p) => {
    const t = totals.get(p) ?? { rs: 0, oracle: 1, viol: 0, secs: 1, rev: 0, pending: 0 };
    return fmt({
      policy: p,
      reversals_per_10min: (t.rev * 600) / t.secs,
      slo_violation_pct: (100 * t.viol) / t.secs,
      replica_seconds_vs_oracle: t.rs / t.oracle,
      pending_group_seconds: t.pending,
    });
  });
  const tessera = summary[0] ?? {};
  const fig = {
    reversals_per_10min: Number(tessera.reversals_per_10min),
    slo_violation_pct: Number(tessera.slo_violation_pct),
    replica_seconds_vs_oracle: Number(tessera.replica_seconds_vs_oracle),
  };
  const md = [
    `# B6 — autoscaling policies on step / spike / diurnal traces`,
    ``,
    `Virtual time (1 s), capacity ${CAPACITY} per replica, target ${TARGET} per replica for every policy,`,
    `cluster fits ${CLUSTER_MAX} ServingGroups. Policies drive the shared recommendation core; see the`,
    `header of \`packages/bench/src/autoscaling/autoscaling.ts\` for the mapping of Knative KPA and HPA`,
    `defaults and its approximations.`,
    ``,
    `## Summary (startup 60 s, all traces)`,
    ``,
    markdownTable(summary),
    ``,
    `## Per trace and startup delay`,
    ``,
    markdownTable(rows.map(fmt)),
    ``,
  ].join("\n");
  const dir = outputDir(o.scale, o.out);
  const paths = writeReport(dir, "autoscaling", {
    markdown: md,
    rows: rows.map(fmt),
    ...(chart ? { svg: chart } : {}),
  });
  log(`wrote ${paths.join(", ")}`);
  if (o.scale === 1 && o.out === undefined)
    await updateSummary(
      "autoscaling",
      [
        `## autoscaling — B6: Tessera vs Knative KPA and HPA defaults (virtual time)`,
        ``,
        `Startup 60 s, step + spike + diurnal traces; Tessera = Kthena defaults + panic + 120 s`,
        `scale-down window + feasibility cut. KPA/HPA mappings are approximations (see the report).`,
        ``,
        markdownTable(summary),
        ``,
        `\`${resultLine("autoscaling", fig)}\` (Tessera). performance.md B6 targets: SLO`,
        `violation ≤ 5 % (${fig.slo_violation_pct <= 5 ? "met" : "not met"}), ≤ 1 reversal per 10 min`,
        `(${fig.reversals_per_10min <= 1 ? "met" : "not met"}), replica-seconds within 15 % of the oracle`,
        `(${fig.replica_seconds_vs_oracle <= 1.15 ? "met" : "not met"}; every policy targets 80 % utilisation,`,
        `which alone costs ≈ 1.25× against this 100 %-utilisation oracle).`,
        ``,
        `Details: [benchmarks/autoscaling.md](benchmarks/autoscaling.md).`,
      ].join("\n"),
    );
  return resultLine("autoscaling", fig);
}
