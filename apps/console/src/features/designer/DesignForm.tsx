"use client";
// The design form: model and engine, prefill/decode roles (replicas, entry + workers, TP/PP, GPUs
// per pod), gang policy and network tiers.
import type { ReactNode } from "react";
import { NumberField } from "~/components/fields";
import {
  ENGINE_DEFAULTS,
  MODELS,
  roleKind,
  type Design,
  type RoleDesign,
  type RoleKind,
} from "./model";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset>
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

function TierSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: number | undefined;
  options: [number, string][];
  onChange: (tier: number | undefined) => void;
}) {
  return (
    <label className="field">
      {label}
      <select
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
      >
        <option value="">Any</option>
        {options.map(([tier, text]) => (
          <option key={tier} value={tier}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

const newRole = (name: string): RoleDesign => ({
  name,
  replicas: 1,
  workerReplicas: 0,
  tensorParallel: 1,
  pipelineParallel: 1,
  gpusPerPod: 1,
});

function RoleFields({
  role,
  index,
  gang,
  onChange,
  onRemove,
}: {
  role: RoleDesign;
  index: number;
  gang: Design["gang"];
  onChange: (patch: Partial<RoleDesign>) => void;
  onRemove: () => void;
}) {
  return (
    <Section title={`Role: ${role.name || "(unnamed)"}`}>
      <div className="form-row">
        <label className="field">
          Name
          <input
            value={role.name}
            onChange={(e) => onChange({ name: e.target.value })}
            aria-label={`Role ${index + 1} name`}
          />
        </label>
        <label className="field">
          Kind
          <select
            value={roleKind(role)}
            onChange={(e) => onChange({ kind: e.target.value as RoleKind })}
            aria-label={`Role ${index + 1} kind`}
          >
            <option value="prefill">prefill</option>
            <option value="decode">decode</option>
            <option value="mixed">mixed</option>
          </select>
        </label>
        <NumberField
          max={64}
          label="Replicas"
          value={role.replicas}
          onChange={(v) => onChange({ replicas: v })}
        />
        <NumberField
          max={64}
          label="Workers per replica"
          value={role.workerReplicas}
          onChange={(v) => onChange({ workerReplicas: v })}
        />
        <NumberField
          max={64}
          label="GPUs per pod"
          value={role.gpusPerPod}
          onChange={(v) => onChange({ gpusPerPod: v })}
        />
        <NumberField
          max={64}
          label="TP"
          value={role.tensorParallel}
          min={1}
          onChange={(v) => onChange({ tensorParallel: v })}
        />
        <NumberField
          max={64}
          label="PP"
          value={role.pipelineParallel}
          min={1}
          onChange={(v) => onChange({ pipelineParallel: v })}
        />
        {gang === "relaxed" ? (
          <NumberField
            max={64}
            label="Gang min replicas"
            value={role.minReplicas ?? 1}
            onChange={(v) => onChange({ minReplicas: v })}
          />
        ) : null}
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <span className="small muted">
          {role.replicas} × ({1 + role.workerReplicas} pods × {role.gpusPerPod} GPUs) ={" "}
          {role.replicas * (1 + role.workerReplicas) * role.gpusPerPod} GPUs per group
        </span>
        <span style={{ flex: 1 }} />
        <button type="button" className="btn small" onClick={onRemove}>
          Remove role
        </button>
      </div>
    </Section>
  );
}

export function DesignForm({
  design,
  onChange,
}: {
  design: Design;
  onChange: (update: (d: Design) => Design) => void;
}) {
  const set = (patch: Partial<Design>) => onChange((d) => ({ ...d, ...patch }));
  const setRole = (i: number, patch: Partial<RoleDesign>) =>
    onChange((d) => ({ ...d, roles: d.roles.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));
  return (
    <form
      className="grid"
      style={{ gap: 12 }}
      onSubmit={(e) => e.preventDefault()}
      aria-label="Topology"
    >
      <Section title="Model and engine">
        <div className="form-row">
          <label className="field">
            Name
            <input value={design.name} onChange={(e) => set({ name: e.target.value })} />
          </label>
          <label className="field">
            Namespace
            <input value={design.namespace} onChange={(e) => set({ namespace: e.target.value })} />
          </label>
          <label className="field" style={{ gridColumn: "span 2" }}>
            Model
            <input
              list="models"
              value={design.model}
              onChange={(e) => set({ model: e.target.value })}
            />
            <datalist id="models">
              {MODELS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
          </label>
          <label className="field">
            Engine
            <select
              value={design.engine}
              onChange={(e) => {
                const engine = e.target.value as Design["engine"];
                set({ engine, image: ENGINE_DEFAULTS[engine].image });
              }}
            >
              <option>vLLM</option>
              <option>SGLang</option>
            </select>
          </label>
          <label className="field" style={{ gridColumn: "span 2" }}>
            Image
            <input value={design.image} onChange={(e) => set({ image: e.target.value })} />
          </label>
          <NumberField
            max={64}
            label="ServingGroups"
            value={design.servingGroups}
            min={0}
            onChange={(v) => set({ servingGroups: v })}
          />
        </div>
      </Section>
      {design.roles.map((r, i) => (
        <RoleFields
          key={i}
          role={r}
          index={i}
          gang={design.gang}
          onChange={(patch) => setRole(i, patch)}
          onRemove={() => set({ roles: design.roles.filter((_, j) => j !== i) })}
        />
      ))}
      <div className="row">
        {["prefill", "decode"].map((name) => (
          <button
            key={name}
            type="button"
            className="btn"
            disabled={design.roles.length >= 4}
            onClick={() =>
              set({
                roles: [
                  ...design.roles,
                  newRole(
                    design.roles.some((r) => r.name === name)
                      ? `${name}${design.roles.length}`
                      : name,
                  ),
                ],
              })
            }
          >
            + {name} role
          </button>
        ))}
      </div>
      <Section title="Gang and network topology">
        <div className="form-row">
          <label className="field">
            Gang
            <select
              value={design.gang}
              onChange={(e) => set({ gang: e.target.value as Design["gang"] })}
            >
              <option value="strict">Strict (all pods)</option>
              <option value="relaxed">Relaxed (min replicas)</option>
              <option value="none">None (default scheduler)</option>
            </select>
          </label>
          <TierSelect
            label="Group tier"
            value={design.groupTier}
            options={[
              [1, "1 (leaf)"],
              [2, "2 (spine)"],
              [3, "3"],
            ]}
            onChange={(groupTier) => set({ groupTier })}
          />
          <TierSelect
            label="Role tier"
            value={design.roleTier}
            options={[
              [0, "0 (one node)"],
              [1, "1 (leaf)"],
              [2, "2 (spine)"],
            ]}
            onChange={(roleTier) => set({ roleTier })}
          />
          <label className="field">
            Mode
            <select
              value={design.topologyMode}
              onChange={(e) => set({ topologyMode: e.target.value as Design["topologyMode"] })}
            >
              <option value="hard">hard</option>
              <option value="soft">soft</option>
            </select>
          </label>
        </div>
        <div className="row" style={{ marginTop: 8 }}>
          <label className="row small">
            <input
              type="checkbox"
              checked={design.routing}
              onChange={(e) => set({ routing: e.target.checked })}
            />{" "}
            ModelServer + ModelRoute
          </label>
          <label className="row small">
            <input
              type="checkbox"
              checked={design.podLabels["tessera.io/engine"] === "sim"}
              onChange={(e) =>
                set({ podLabels: e.target.checked ? { "tessera.io/engine": "sim" } : {} })
              }
            />{" "}
            Simulated engines (local clusters)
          </label>
        </div>
      </Section>
    </form>
  );
}
