"use client";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TracePoint } from "@tessera/shared/autoscaling/replay";
import { Badge, ErrorState, PageHeader, Stat } from "~/components/states";
import { apiMutate, describeError } from "~/lib/api-client";
import { clustersOf, useClusters } from "~/lib/session";
import {
  builtInTrace,
  DEFAULT_POLICY,
  DEFAULT_TRACE,
  parsePolicy,
  parseTraceCsv,
  runReplay,
  type Shape,
  type TraceSettings,
} from "./model";

const fmtMin = (t: number) => `${Math.round(t / 60_000)}m`;

export function Tuner() {
  const [policyText, setPolicyText] = useState(DEFAULT_POLICY);
  const [trace, setTrace] = useState<TraceSettings>(DEFAULT_TRACE);
  const [csv, setCsv] = useState<{ name: string; points: TracePoint[]; errors: string[] } | null>(
    null,
  );
  const [capacity, setCapacity] = useState(10);
  const [readyDelay, setReadyDelay] = useState(90);
  const [metricKind, setMetricKind] = useState<"external" | "pods">("external");

  const policy = useMemo(() => parsePolicy(policyText), [policyText]);
  const points = useMemo(
    () => (trace.shape === "csv" ? (csv?.points ?? []) : builtInTrace(trace)),
    [trace, csv],
  );
  const replay = useMemo(() => {
    if (!policy.ok || points.length < 2) return null;
    try {
      return runReplay(policy.params, points, {
        capacityPerReplica: capacity,
        readyDelaySec: readyDelay,
        metricKind,
      });
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [policy, points, capacity, readyDelay, metricKind]);

  const data = useMemo(
    () =>
      replay && "samples" in replay
        ? replay.samples.map((s) => ({ ...s, capacity: s.ready * capacity }))
        : [],
    [replay, capacity],
  );
  const panicRanges = useMemo(() => {
    const out: { x1: number; x2: number }[] = [];
    for (const s of data) {
      const last = out[out.length - 1];
      if (s.mode !== "Panic") continue;
      if (last && last.x2 >= s.t - 5_000) last.x2 = s.t;
      else out.push({ x1: s.t, x2: s.t });
    }
    return out;
  }, [data]);

  const clusters = clustersOf(useClusters().data);
  const [target, setTarget] = useState("");
  const apply = useMutation({
    mutationFn: () => {
      if (!policy.ok) throw new Error("fix the policy first");
      return apiMutate<{
        results: { cluster: string; ok: boolean; error?: { message: string } }[];
      }>("deployments.deploy", {
        clusterIds: [target],
        namespace: policy.namespace,
        name: policy.name,
        manifests: [policy.manifest],
        force: false,
      });
    },
  });

  const set = (p: Partial<TraceSettings>) => setTrace((t) => ({ ...t, ...p }));
  return (
    <>
      <PageHeader
        title="Autoscaling tuner"
        description="Replay a load trace through the same recommendation core the controller runs, before applying the policy."
        actions={
          <Badge tone={policy.ok ? "ok" : "bad"}>
            {policy.ok ? "policy valid" : "policy invalid"}
          </Badge>
        }
      />
      <div className="designer">
        <div className="grid" style={{ gap: 12 }}>
          <section className="card">
            <label className="field" htmlFor="policy-yaml">
              <h2 style={{ margin: 0, color: "var(--text)" }}>AutoscalingPolicy</h2>
            </label>
            <textarea
              id="policy-yaml"
              rows={24}
              style={{ width: "100%", marginTop: 8 }}
              spellCheck={false}
              value={policyText}
              onChange={(e) => setPolicyText(e.target.value)}
            />
            <ul className="issues" style={{ marginTop: 8 }} data-testid="policy-validation">
              {policy.ok ? (
                <li className="ok">
                  Valid · {policy.params.minReplicas}–{policy.params.maxReplicas} replicas · metric{" "}
                  {policy.params.metrics[0]?.name}
                </li>
              ) : (
                policy.errors.map((e) => <li key={e}>{e}</li>)
              )}
              {policy.ok && policy.note ? <li className="warn">{policy.note}</li> : null}
            </ul>
          </section>
          <section className="card">
            <h2>Load trace</h2>
            <div className="form-row">
              <label className="field">
                Shape
                <select
                  value={trace.shape}
                  onChange={(e) => set({ shape: e.target.value as Shape })}
                >
                  <option value="spike">Spike</option>
                  <option value="step">Step</option>
                  <option value="diurnal">Diurnal</option>
                  <option value="csv">Uploaded CSV</option>
                </select>
              </label>
              {trace.shape !== "csv" ? (
                <>
                  <label className="field">
                    Minutes
                    <input
                      type="number"
                      min={5}
                      max={1440}
                      value={trace.durationMin}
                      onChange={(e) =>
                        set({ durationMin: Math.max(5, Number(e.target.value) || 5) })
                      }
                    />
                  </label>
                  <label className="field">
                    Base demand
                    <input
                      type="number"
                      min={0}
                      value={trace.base}
                      onChange={(e) => set({ base: Math.max(0, Number(e.target.value) || 0) })}
                    />
                  </label>
                  <label className="field">
                    Peak demand
                    <input
                      type="number"
                      min={0}
                      value={trace.peak}
                      onChange={(e) => set({ peak: Math.max(0, Number(e.target.value) || 0) })}
                    />
                  </label>
                </>
              ) : (
                <label className="field" style={{ gridColumn: "span 3" }}>
                  CSV file (t seconds, demand)
                  <input
                    type="file"
                    accept=".csv,text/csv"
                    onChange={(e) => {
                      const f = e.target.files?.[0];
                      if (f)
                        void f
                          .text()
                          .then((text) => setCsv({ name: f.name, ...parseTraceCsv(text) }));
                    }}
                  />
                </label>
              )}
              <label className="field">
                Capacity per replica
                <input
                  type="number"
                  min={1}
                  value={capacity}
                  onChange={(e) => setCapacity(Math.max(1, Number(e.target.value) || 1))}
                />
              </label>
              <label className="field">
                Ready delay (s)
                <input
                  type="number"
                  min={0}
                  value={readyDelay}
                  onChange={(e) => setReadyDelay(Math.max(0, Number(e.target.value) || 0))}
                />
              </label>
              <label className="field">
                Metric
                <select
                  value={metricKind}
                  onChange={(e) => setMetricKind(e.target.value as "external" | "pods")}
                >
                  <option value="external">External total</option>
                  <option value="pods">Per-pod samples</option>
                </select>
              </label>
            </div>
            {trace.shape === "csv" && csv?.errors.length ? (
              <ul className="issues" style={{ marginTop: 8 }}>
                {csv.errors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            ) : null}
            {trace.shape === "csv" && csv && !csv.errors.length ? (
              <p className="small muted">
                {csv.name}: {csv.points.length} points
              </p>
            ) : null}
          </section>
        </div>
        <div className="grid" style={{ gap: 12 }}>
          <div className="grid cols-3">
            <Stat
              label="Peak replicas"
              value={replay && "summary" in replay ? replay.summary.peakReplicas : "–"}
            />
            <Stat
              label="Unserved demand"
              value={
                replay && "summary" in replay
                  ? `${replay.summary.unservedPercent.toFixed(1)}%`
                  : "–"
              }
            />
            <Stat
              label="Replica-hours"
              value={
                replay && "summary" in replay
                  ? (replay.summary.replicaMinutes / 60).toFixed(1)
                  : "–"
              }
              sub={
                replay && "summary" in replay
                  ? `${replay.summary.scaleEvents} scale events · ${replay.summary.panicMinutes.toFixed(1)} min in panic`
                  : undefined
              }
            />
          </div>
          <section className="card" aria-labelledby="chart-demand">
            <h2 id="chart-demand">Demand and served capacity</h2>
            {replay && "error" in replay ? (
              <ErrorState
                error={{ message: replay.error, missingProcedure: false, unauthorized: false }}
              />
            ) : null}
            {!replay ? (
              <div className="state">
                {trace.shape === "csv" && !csv
                  ? "Upload a CSV trace to replay it."
                  : "Fix the policy to replay the trace."}
              </div>
            ) : null}
            {data.length ? (
              <div
                className="chart-box"
                data-testid="chart-demand"
                role="img"
                aria-label="Demand, served capacity and panic periods over time"
              >
                <ResponsiveContainer width="100%" height="100%">
                  <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                    <XAxis
                      dataKey="t"
                      type="number"
                      domain={["dataMin", "dataMax"]}
                      tickFormatter={fmtMin}
                      stroke="var(--muted)"
                      fontSize={11}
                    />
                    <YAxis stroke="var(--muted)" fontSize={11} width={40} />
                    <Tooltip
                      labelFormatter={(t) => fmtMin(Number(t))}
                      contentStyle={{
                        background: "var(--panel)",
                        border: "1px solid var(--border)",
                      }}
                    />
                    <Legend wrapperStyle={{ fontSize: 12 }} />
                    {panicRanges.map((r) => (
                      <ReferenceArea
                        key={r.x1}
                        x1={r.x1}
                        x2={r.x2}
                        fill="var(--bad)"
                        fillOpacity={0.08}
                        ifOverflow="extendDomain"
                      />
                    ))}
                    <Area
                      type="monotone"
                      dataKey="demand"
                      name="Demand"
                      stroke="var(--c1)"
                      fill="var(--c1)"
                      fillOpacity={0.15}
                      isAnimationActive={false}
                    />
                    <Line
                      type="stepAfter"
                      dataKey="capacity"
                      name="Ready capacity"
                      stroke="var(--c5)"
                      dot={false}
                      strokeWidth={2}
                      isAnimationActive={false}
                    />
                  </ComposedChart>
                </ResponsiveContainer>
              </div>
            ) : null}
          </section>
          <section className="card" aria-labelledby="chart-replicas">
            <h2 id="chart-replicas">Replicas and mode</h2>
            {data.length ? (
              <div
                className="chart-box"
                data-testid="chart-replicas"
                role="img"
                aria-label="Desired and ready replicas over time; shaded: panic mode"
              >
                <ResponsiveContainer width="100%" height="100%">
                  <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
                    <XAxis
                      dataKey="t"
                      type="number"
                      domain={["dataMin", "dataMax"]}
                      tickFormatter={fmtMin}
                      stroke="var(--muted)"
                      fontSize={11}
                    />
                    <YAxis allowDecimals={false} stroke="var(--muted)" fontSize={11} width={40} />
                    <Tooltip
                      labelFormatter={(t) => fmtMin(Number(t))}
                      contentStyle={{
                        background: "var(--panel)",
                        border: "1px solid var(--border)",
                      }}
                    />
                    <Legend wrapperStyle={{ fontSize: 12 }} />
                    {panicRanges.map((r) => (
                      <ReferenceArea
                        key={r.x1}
                        x1={r.x1}
                        x2={r.x2}
                        fill="var(--bad)"
                        fillOpacity={0.12}
                      />
                    ))}
                    <Line
                      type="stepAfter"
                      dataKey="desired"
                      name="Desired"
                      stroke="var(--c3)"
                      dot={false}
                      strokeWidth={2}
                      isAnimationActive={false}
                    />
                    <Line
                      type="stepAfter"
                      dataKey="ready"
                      name="Ready"
                      stroke="var(--c2)"
                      dot={false}
                      strokeWidth={2}
                      isAnimationActive={false}
                    />
                  </ComposedChart>
                </ResponsiveContainer>
              </div>
            ) : (
              <div className="state">No replay yet.</div>
            )}
            <p className="small muted" style={{ marginBottom: 0 }}>
              Shaded: panic mode (scale-up at the panic rate, no scale-down).
            </p>
          </section>
          <section className="card" aria-labelledby="apply">
            <h2 id="apply">Apply</h2>
            <div className="row">
              <select
                aria-label="Cluster to apply to"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
              >
                <option value="">Choose a cluster…</option>
                {clusters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName || c.name}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="btn primary"
                disabled={!policy.ok || !target || apply.isPending}
                onClick={() => apply.mutate()}
              >
                Apply policy
              </button>
            </div>
            {apply.error ? <ErrorState error={describeError(apply.error)} /> : null}
            {apply.data ? (
              <ul className="issues" style={{ marginTop: 8 }}>
                {apply.data.results.map((r) => (
                  <li key={r.cluster} className={r.ok ? "ok" : ""}>
                    {r.cluster}: {r.ok ? "applied" : r.error?.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        </div>
      </div>
    </>
  );
}
