"use client";
// Small form pieces several pages share.
import type { Cluster } from "~/lib/api-types";
import { describeError } from "~/lib/api-client";
import { ErrorState } from "./states";

/** A labelled number input clamped to [min, max] (an empty or invalid entry becomes min). */
export function NumberField({
  label,
  value,
  onChange,
  min = 0,
  max,
}: {
  label: string;
  value: number;
  onChange: (v: number) => void;
  min?: number;
  max?: number;
}) {
  return (
    <label className="field">
      {label}
      <input
        type="number"
        min={min}
        max={max}
        value={value}
        onChange={(e) => {
          const v = Number(e.target.value) || min;
          onChange(Math.max(min, max === undefined ? v : Math.min(max, v)));
        }}
      />
    </label>
  );
}

/** One <option> per cluster, by display name. */
export function ClusterOptions({
  clusters,
  by,
}: {
  clusters: readonly Cluster[];
  by: "id" | "name";
}) {
  return (
    <>
      {clusters.map((c) => (
        <option key={c.id} value={by === "id" ? c.id : c.name}>
          {c.displayName || c.name}
        </option>
      ))}
    </>
  );
}

/** The per-cluster outcome of an apply (`deployments.deploy`), or its error. */
export function ApplyResults({
  error,
  results,
  testId,
}: {
  error: unknown;
  results:
    | readonly ({ cluster: string; ok: boolean } & ({ error: { message: string } } | object))[]
    | undefined;
  testId?: string;
}) {
  return (
    <>
      {error ? <ErrorState error={describeError(error)} /> : null}
      {results ? (
        <ul className="issues" style={{ marginTop: 8 }} data-testid={testId}>
          {results.map((r) => (
            <li key={r.cluster} className={r.ok ? "ok" : ""}>
              {r.cluster}: {"error" in r ? r.error.message : r.ok ? "applied" : "failed"}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
