"use client";
// The autoscaling tuner: edit an AutoscalingPolicy, replay a load trace through the same
// recommendation core the controller runs, chart demand, replicas and panic mode, then apply.
import { useMemo, useState } from "react";
import { Chart } from "~/components/charts";
import { PageHeader } from "~/components/page-shell";
import { Badge, ErrorState, Stat } from "~/components/states";
import { ApplyPolicy } from "./ApplyPolicy";
import {
  builtInTrace,
  DEFAULT_POLICY,
  DEFAULT_TRACE,
  panicRanges,
  parsePolicy,
  runReplay,
  type TraceSettings,
} from "./model";
import { TraceForm, type CsvTrace, type ReplayAssumptions } from "./TraceForm";

const fmtMin = (t: number) => `${Math.round(t / 60_000)}m`;

export function Tuner() {
  const [policyText, setPolicyText] = useState(DEFAULT_POLICY);
  const [trace, setTrace] = useState<TraceSettings>(DEFAULT_TRACE);
  const [csv, setCsv] = useState<CsvTrace | null>(null);
  const [assumptions, setAssumptions] = useState<ReplayAssumptions>({
    capacity: 10,
    readyDelay: 90,
    metricKind: "external",
  });

  const policy = useMemo(() => parsePolicy(policyText), [policyText]);
  const points = useMemo(
    () => (trace.shape === "csv" ? (csv?.points ?? []) : builtInTrace(trace)),
    [trace, csv],
  );
  const replay = useMemo(() => {
    if (!policy.ok || points.length < 2) return null;
    try {
      return runReplay(policy.params, points, {
        capacityPerReplica: assumptions.capacity,
        readyDelaySec: assumptions.readyDelay,
        metricKind: assumptions.metricKind,
      });
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [policy, points, assumptions]);

  const data = useMemo(
    () =>
      replay && "samples" in replay
        ? replay.samples.map((s) => ({ ...s, capacity: s.ready * assumptions.capacity }))
        : [],
    [replay, assumptions.capacity],
  );
  const bands = useMemo(() => panicRanges(data), [data]);
  const summary = replay && "summary" in replay ? replay.summary : null;
  const waiting =
    trace.shape === "csv" && !csv
      ? "Upload a CSV trace to replay it."
      : "Fix the policy to replay the trace.";

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
          <TraceForm
            trace={trace}
            onTrace={(p) => setTrace((t) => ({ ...t, ...p }))}
            csv={csv}
            onCsv={setCsv}
            assumptions={assumptions}
            onAssumptions={(p) => setAssumptions((a) => ({ ...a, ...p }))}
          />
        </div>
        <div className="grid" style={{ gap: 12 }}>
          <div className="grid cols-3">
            <Stat label="Peak replicas" value={summary ? summary.peakReplicas : "–"} />
            <Stat
              label="Unserved demand"
              value={summary ? `${summary.unservedPercent.toFixed(1)}%` : "–"}
            />
            <Stat
              label="Replica-hours"
              value={summary ? (summary.replicaMinutes / 60).toFixed(1) : "–"}
              sub={
                summary
                  ? `${summary.scaleEvents} scale events · ${summary.panicMinutes.toFixed(1)} min in panic`
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
            {!replay ? <div className="state">{waiting}</div> : null}
            {data.length ? (
              <Chart
                label="Demand, served capacity and panic periods over time"
                testId="chart-demand"
                data={data}
                xKey="t"
                xType="number"
                xFormat={fmtMin}
                bands={bands}
                bandOpacity={0.08}
                series={[
                  { key: "demand", name: "Demand", color: "var(--c1)", kind: "area" },
                  { key: "capacity", name: "Ready capacity", color: "var(--c5)", kind: "step" },
                ]}
              />
            ) : null}
          </section>
          <section className="card" aria-labelledby="chart-replicas">
            <h2 id="chart-replicas">Replicas and mode</h2>
            {data.length ? (
              <Chart
                label="Desired and ready replicas over time; shaded: panic mode"
                testId="chart-replicas"
                data={data}
                xKey="t"
                xType="number"
                xFormat={fmtMin}
                integerY
                bands={bands}
                bandOpacity={0.12}
                series={[
                  { key: "desired", name: "Desired", color: "var(--c3)", kind: "step" },
                  { key: "ready", name: "Ready", color: "var(--c2)", kind: "step" },
                ]}
              />
            ) : (
              <div className="state">No replay yet.</div>
            )}
            <p className="small muted" style={{ marginBottom: 0 }}>
              Shaded: panic mode (scale-up at the panic rate, no scale-down).
            </p>
          </section>
          <ApplyPolicy policy={policy} />
        </div>
      </div>
    </>
  );
}
