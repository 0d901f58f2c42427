// The autoscaling tuner's pure parts: the starting AutoscalingPolicy, load traces (built-in shapes or
// an uploaded CSV), and the replay through the controller's recommendation core.
import { parse } from "yaml";
import { fromAutoscalingPolicy } from "@tessera/shared/autoscaling/convert";
import {
  diurnalTrace,
  replayTrace,
  spikeTrace,
  stepTrace,
  type ReplaySample,
  type TracePoint,
} from "@tessera/shared/autoscaling/replay";
import type { ScalingParams } from "@tessera/shared/autoscaling/types";
import type { AutoscalingPolicySpec } from "@tessera/shared/api/workload/autoscaling-policy";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";

export const DEFAULT_POLICY = `apiVersion: workload.serving.volcano.sh/v1alpha1
kind: AutoscalingPolicy
metadata:
  name: qwen3-scaler
  namespace: default
spec:
  tolerancePercent: 10
  metrics:
    - name: kthena:num_requests_waiting
      targetValue: "10"
  behavior:
    scaleUp:
      stablePolicy:
        instances: 1
        percent: 100
        period: 30s
        stabilizationWindow: 60s
      panicPolicy:
        percent: 200
        period: 15s
        panicThresholdPercent: 200
        panicModeHold: 120s
    scaleDown:
      instances: 1
      percent: 50
      period: 60s
      stabilizationWindow: 300s
  homogeneousTarget:
    target:
      targetRef:
        kind: ModelServing
        name: qwen3-pd
    minReplicas: 1
    maxReplicas: 12
`;

export type Shape = "diurnal" | "spike" | "step" | "csv";

export interface TraceSettings {
  shape: Shape;
  durationMin: number;
  base: number;
  peak: number;
  seed: number;
}

export const DEFAULT_TRACE: TraceSettings = {
  shape: "spike",
  durationMin: 60,
  base: 20,
  peak: 90,
  seed: 7,
};

const STEP_MS = 5_000;

export function builtInTrace(s: TraceSettings): TracePoint[] {
  const durationMs = s.durationMin * 60_000;
  switch (s.shape) {
    case "step":
      return stepTrace({
        durationMs,
        stepMs: STEP_MS,
        before: s.base,
        after: s.peak,
        atMs: durationMs / 4,
      });
    case "spike":
      return spikeTrace({
        durationMs,
        stepMs: STEP_MS,
        base: s.base,
        peak: s.peak,
        atMs: durationMs / 4,
        widthMs: durationMs / 6,
      });
    case "diurnal":
    case "csv":
      return diurnalTrace({
        durationMs,
        stepMs: STEP_MS,
        mean: (s.base + s.peak) / 2,
        amplitude: (s.peak - s.base) / 2,
        periodMs: durationMs,
        noise: 0.08,
        seed: s.seed,
      });
  }
}

/**
 * CSV with a header naming a time column (`t`, `time`, `seconds` or `timestamp`, in seconds or ISO
 * time) and a demand column (`demand`, `value`, `load` or `rps`). Rows are sorted by time and time is
 * rebased to start at 0.
 */
export function parseTraceCsv(text: string): { points: TracePoint[]; errors: string[] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const errors: string[] = [];
  const header = (lines.shift() ?? "").split(",").map((h) => h.trim().toLowerCase());
  const ti = header.findIndex((h) => ["t", "time", "seconds", "timestamp", "ts"].includes(h));
  const di = header.findIndex((h) => ["demand", "value", "load", "rps", "requests"].includes(h));
  if (ti < 0 || di < 0)
    return {
      points: [],
      errors: [
        "header must name a time column (t, time, seconds, timestamp) and a demand column (demand, value, load, rps)",
      ],
    };
  const raw: TracePoint[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(",").map((c) => c.trim());
    const tCell = cells[ti] ?? "";
    const t = /^-?\d+(\.\d+)?$/.test(tCell) ? Number(tCell) * 1000 : Date.parse(tCell);
    const demand = Number(cells[di]);
    if (!Number.isFinite(t) || !Number.isFinite(demand) || demand < 0) {
      errors.push(`line ${i + 2}: expected a time and a non-negative number`);
      return;
    }
    raw.push({ t, demand });
  });
  raw.sort((a, b) => a.t - b.t);
  const t0 = raw[0]?.t ?? 0;
  if (raw.length < 2 && errors.length === 0) errors.push("need at least two rows");
  return {
    points: raw.map((p) => ({ t: p.t - t0, demand: p.demand })),
    errors: errors.slice(0, 5),
  };
}

export type PolicyParse =
  | {
      ok: true;
      name: string;
      namespace: string;
      params: ScalingParams;
      note?: string;
      manifest: Record<string, unknown>;
    }
  | { ok: false; errors: string[] };

export function parsePolicy(text: string): PolicyParse {
  let obj: unknown;
  try {
    obj = parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [e instanceof Error ? (e.message.split("\n")[0] ?? "invalid YAML") : "invalid YAML"],
    };
  }
  const r = validateManifest(obj);
  if ("skipped" in r) return { ok: false, errors: [`${r.kind} is not an AutoscalingPolicy`] };
  if (!r.ok)
    return { ok: false, errors: r.issues.map((i) => `${i.path || "(root)"}: ${i.message}`) };
  if (r.kind !== "AutoscalingPolicy")
    return { ok: false, errors: [`kind must be AutoscalingPolicy, not ${r.kind}`] };
  const value = r.value as {
    metadata: { name?: string; namespace?: string };
    spec: AutoscalingPolicySpec;
  };
  const converted = fromAutoscalingPolicy(value.spec);
  let params: ScalingParams;
  let note: string | undefined;
  if (converted.kind === "disaggregated") {
    const role = converted.roleOrder[0] ?? "";
    const p = converted.params.roles[role];
    if (!p) return { ok: false, errors: ["disaggregatedTarget has no roles"] };
    params = p;
    note = `Replaying role "${role}" (the P/D ratio repair is not drawn).`;
  } else {
    params = converted.params;
    if (converted.kind === "heterogeneous")
      note = "Replaying the total over all heterogeneous targets.";
  }
  if (params.metrics.length === 0)
    return { ok: false, errors: ["spec.metrics: the policy needs at least one metric to replay"] };
  return {
    ok: true,
    name: value.metadata.name ?? "autoscaling-policy",
    namespace: value.metadata.namespace ?? "default",
    params,
    ...(note ? { note } : {}),
    manifest: obj as Record<string, unknown>,
  };
}

export interface ReplaySummary {
  peakReplicas: number;
  replicaMinutes: number;
  unservedPercent: number;
  panicMinutes: number;
  scaleEvents: number;
}

export function runReplay(
  params: ScalingParams,
  trace: readonly TracePoint[],
  opts: { capacityPerReplica: number; readyDelaySec: number; metricKind: "external" | "pods" },
): { samples: ReplaySample[]; summary: ReplaySummary } {
  // The metric target is per replica; a replica serves `capacityPerReplica` units of demand.
  const samples = replayTrace(params, trace, {
    capacityPerReplica: opts.capacityPerReplica,
    readyDelayMs: opts.readyDelaySec * 1000,
    metricKind: opts.metricKind,
    initialReplicas: params.minReplicas,
  });
  let replicaMs = 0;
  let demand = 0;
  let served = 0;
  let panicMs = 0;
  let events = 0;
  samples.forEach((s, i) => {
    const dt = (samples[i + 1]?.t ?? s.t + STEP_MS) - s.t;
    replicaMs += s.desired * dt;
    demand += s.demand * dt;
    served += s.served * dt;
    if (s.mode === "Panic") panicMs += dt;
    if (i > 0 && s.desired !== samples[i - 1]?.desired) events += 1;
  });
  return {
    samples,
    summary: {
      peakReplicas: samples.reduce((m, s) => Math.max(m, s.desired), 0),
      replicaMinutes: replicaMs / 60_000,
      unservedPercent: demand > 0 ? (100 * (demand - served)) / demand : 0,
      panicMinutes: panicMs / 60_000,
      scaleEvents: events,
    },
  };
}

/** Contiguous periods in panic mode as [x1, x2] ranges of sample time (for shading a chart). */
export function panicRanges(
  samples: readonly { t: number; mode: string }[],
  gapMs = 5_000,
): { x1: number; x2: number }[] {
  const out: { x1: number; x2: number }[] = [];
  for (const s of samples) {
    if (s.mode !== "Panic") continue;
    const last = out[out.length - 1];
    if (last && last.x2 >= s.t - gapMs) last.x2 = s.t;
    else out.push({ x1: s.t, x2: s.t });
  }
  return out;
}
