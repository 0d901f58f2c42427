"use client";
// The load trace to replay: a built-in shape (spike, step, diurnal) or an uploaded CSV, and the
// replay's assumptions (capacity per replica, readiness delay, how the metric is sampled).
import type { TracePoint } from "@tessera/shared/autoscaling/replay";
import { NumberField } from "~/components/fields";
import { parseTraceCsv, type Shape, type TraceSettings } from "./model";

export interface ReplayAssumptions {
  capacity: number;
  readyDelay: number;
  metricKind: "external" | "pods";
}

export interface CsvTrace {
  name: string;
  points: TracePoint[];
  errors: string[];
}

export function TraceForm({
  trace,
  onTrace,
  csv,
  onCsv,
  assumptions,
  onAssumptions,
}: {
  trace: TraceSettings;
  onTrace: (patch: Partial<TraceSettings>) => void;
  csv: CsvTrace | null;
  onCsv: (csv: CsvTrace) => void;
  assumptions: ReplayAssumptions;
  onAssumptions: (patch: Partial<ReplayAssumptions>) => void;
}) {
  return (
    <section className="card" aria-labelledby="trace-h">
      <h2 id="trace-h">Load trace</h2>
      <div className="form-row">
        <label className="field">
          Shape
          <select value={trace.shape} onChange={(e) => onTrace({ shape: e.target.value as Shape })}>
            <option value="spike">Spike</option>
            <option value="step">Step</option>
            <option value="diurnal">Diurnal</option>
            <option value="csv">Uploaded CSV</option>
          </select>
        </label>
        {trace.shape !== "csv" ? (
          <>
            <NumberField
              label="Minutes"
              min={5}
              max={1440}
              value={trace.durationMin}
              onChange={(durationMin) => onTrace({ durationMin })}
            />
            <NumberField
              label="Base demand"
              min={0}
              value={trace.base}
              onChange={(base) => onTrace({ base })}
            />
            <NumberField
              label="Peak demand"
              min={0}
              value={trace.peak}
              onChange={(peak) => onTrace({ peak })}
            />
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
                  void f.text().then((text) => onCsv({ name: f.name, ...parseTraceCsv(text) }));
              }}
            />
          </label>
        )}
        <NumberField
          label="Capacity per replica"
          min={1}
          value={assumptions.capacity}
          onChange={(capacity) => onAssumptions({ capacity })}
        />
        <NumberField
          label="Ready delay (s)"
          min={0}
          value={assumptions.readyDelay}
          onChange={(readyDelay) => onAssumptions({ readyDelay })}
        />
        <label className="field">
          Metric
          <select
            value={assumptions.metricKind}
            onChange={(e) =>
              onAssumptions({ metricKind: e.target.value as ReplayAssumptions["metricKind"] })
            }
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
  );
}
