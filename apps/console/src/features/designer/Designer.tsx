"use client";
import { useMutation } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState, type ReactNode } from "react";
import { previewModelServing } from "@tessera/shared/placement/model-serving";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";
import { Badge, ErrorState, PageHeader } from "~/components/states";
import { apiMutate, describeError } from "~/lib/api-client";
import { useList } from "~/lib/resources";
import { clustersOf, useClusters } from "~/lib/session";
import { InventoryResource, placementClusterOf } from "../cluster/inventory";
import { findViolations, sampleFabric, type TopoPod } from "../topology/layout";
import { TopologyView } from "../topology/TopologyView";
import {
  buildManifests,
  defaultDesign,
  ENGINE_DEFAULTS,
  gpusPerGroup,
  MODELS,
  toYaml,
  validateDesign,
  type Design,
  type RoleDesign,
} from "./model";

const SAMPLE = "__sample__";

function Num({
  label,
  value,
  onChange,
  min = 0,
  max = 64,
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
        onChange={(e) => onChange(Math.max(min, Math.min(max, Number(e.target.value) || 0)))}
      />
    </label>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset>
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function Designer() {
  const [design, setDesign] = useState<Design>(defaultDesign);
  const set = (patch: Partial<Design>) => setDesign((d) => ({ ...d, ...patch }));
  const setRole = (i: number, patch: Partial<RoleDesign>) =>
    setDesign((d) => ({ ...d, roles: d.roles.map((r, j) => (j === i ? { ...r, ...patch } : r)) }));

  const manifests = useMemo(() => buildManifests(design), [design]);
  const yaml = useMemo(() => toYaml(manifests), [manifests]);
  const messages = useMemo(() => validateDesign(design, manifests), [design, manifests]);
  const errors = messages.filter((m) => m.level === "error");

  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const previewName = params.get("cluster") ?? SAMPLE;
  const clusters = clustersOf(useClusters().data);
  const previewCluster = clusters.find((c) => c.name === previewName);
  const inventory = useList(InventoryResource, previewCluster ? [previewCluster] : []);
  const inv = inventory.items[0];
  const fabric = useMemo(
    () => (inv ? placementClusterOf(inv) : previewCluster ? null : sampleFabric()),
    [inv, previewCluster],
  );

  const preview = useMemo(() => {
    if (!fabric) return null;
    const ms = manifests[0];
    const parsed = ms ? validateManifest(ms) : null;
    if (!parsed || "skipped" in parsed || !parsed.ok || parsed.kind !== "ModelServing") return null;
    const groups = previewModelServing(fabric, parsed.value);
    const pods: TopoPod[] = groups.flatMap((g) =>
      g.pods.map((p) => ({
        name: p.pod,
        node: p.node,
        gpus: p.gpus,
        modelServing: design.name,
        group: g.group,
        role: p.role,
      })),
    );
    const violations = findViolations(fabric, pods, () =>
      design.groupTier === undefined
        ? undefined
        : { mode: design.topologyMode, highestTierAllowed: design.groupTier },
    );
    return { groups, pods, violations };
  }, [fabric, manifests, design.name, design.groupTier, design.topologyMode]);

  const [targets, setTargets] = useState<string[]>([]);
  const deploy = useMutation({
    mutationFn: () =>
      apiMutate<{ results: { cluster: string; ok: boolean; error?: { message: string } }[] }>(
        "deployments.deploy",
        {
          clusterIds: targets,
          namespace: design.namespace,
          name: design.name,
          manifests,
          force: false,
        },
      ),
  });

  return (
    <>
      <PageHeader
        title="Topology designer"
        description="Design an xPyD serving topology; the YAML, validation and placement preview update as you type."
        actions={
          <Badge tone={errors.length ? "bad" : "ok"}>
            {errors.length ? `${errors.length} errors` : "valid"}
          </Badge>
        }
      />
      <section
        className="card"
        aria-labelledby="preview"
        style={{ marginBottom: 14, minHeight: 300 }}
      >
        <div className="row" style={{ justifyContent: "space-between", marginBottom: 8 }}>
          <h2 id="preview" style={{ margin: 0 }}>
            Placement preview
          </h2>
          <label className="row small muted">
            On
            <select
              aria-label="Preview cluster"
              value={previewName}
              onChange={(e) =>
                router.replace(
                  e.target.value === SAMPLE
                    ? pathname
                    : `${pathname}?cluster=${encodeURIComponent(e.target.value)}`,
                )
              }
            >
              <option value={SAMPLE}>Sample fabric (2 spines × 2 leaves × 4 nodes × 8 GPUs)</option>
              {clusters.map((c) => (
                <option key={c.id} value={c.name}>
                  {c.displayName || c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {inventory.errors.length ? (
          <ErrorState error={inventory.errors} retry={inventory.refetch} />
        ) : null}
        {!fabric && !inventory.errors.length ? (
          <p className="muted">Loading the cluster’s nodes and HyperNodes…</p>
        ) : null}
        {fabric && !preview ? (
          <p className="muted">Fix the validation errors to see where the groups would land.</p>
        ) : null}
        {fabric && preview ? (
          <>
            <ul className="issues" style={{ marginBottom: 10 }} data-testid="placement-result">
              {preview.groups.map((g) => (
                <li
                  key={g.group}
                  className={g.status === "Placed" ? (g.topologyRelaxed ? "warn" : "ok") : ""}
                >
                  <strong>{g.group}</strong>:{" "}
                  {g.status === "Placed"
                    ? `placed${g.groupDomain ? ` under ${g.groupDomain.name} (tier ${g.groupDomain.tier})` : ""}${g.topologyRelaxed ? " — soft topology relaxed" : ""}`
                    : g.reason}
                </li>
              ))}
            </ul>
            <TopologyView
              cluster={fabric}
              pods={preview.pods}
              violations={preview.violations}
              title="Placement preview"
            />
          </>
        ) : null}
      </section>
      <div className="designer">
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
                <input
                  value={design.namespace}
                  onChange={(e) => set({ namespace: e.target.value })}
                />
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
              <Num
                label="ServingGroups"
                value={design.servingGroups}
                min={0}
                onChange={(v) => set({ servingGroups: v })}
              />
            </div>
          </Section>
          {design.roles.map((r, i) => (
            <Section key={i} title={`Role: ${r.name || "(unnamed)"}`}>
              <div className="form-row">
                <label className="field">
                  Name
                  <input
                    value={r.name}
                    onChange={(e) => setRole(i, { name: e.target.value })}
                    aria-label={`Role ${i + 1} name`}
                  />
                </label>
                <Num
                  label="Replicas"
                  value={r.replicas}
                  onChange={(v) => setRole(i, { replicas: v })}
                />
                <Num
                  label="Workers per replica"
                  value={r.workerReplicas}
                  onChange={(v) => setRole(i, { workerReplicas: v })}
                />
                <Num
                  label="GPUs per pod"
                  value={r.gpusPerPod}
                  onChange={(v) => setRole(i, { gpusPerPod: v })}
                />
                <Num
                  label="TP"
                  value={r.tensorParallel}
                  min={1}
                  onChange={(v) => setRole(i, { tensorParallel: v })}
                />
                <Num
                  label="PP"
                  value={r.pipelineParallel}
                  min={1}
                  onChange={(v) => setRole(i, { pipelineParallel: v })}
                />
                {design.gang === "relaxed" ? (
                  <Num
                    label="Gang min replicas"
                    value={r.minReplicas ?? 1}
                    onChange={(v) => setRole(i, { minReplicas: v })}
                  />
                ) : null}
              </div>
              <div className="row" style={{ marginTop: 8 }}>
                <span className="small muted">
                  {r.replicas} × ({1 + r.workerReplicas} pods × {r.gpusPerPod} GPUs) ={" "}
                  {r.replicas * (1 + r.workerReplicas) * r.gpusPerPod} GPUs per group
                </span>
                <span style={{ flex: 1 }} />
                <button
                  type="button"
                  className="btn small"
                  onClick={() => set({ roles: design.roles.filter((_, j) => j !== i) })}
                >
                  Remove role
                </button>
              </div>
            </Section>
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
                      {
                        name: design.roles.some((r) => r.name === name)
                          ? `${name}${design.roles.length}`
                          : name,
                        replicas: 1,
                        workerReplicas: 0,
                        tensorParallel: 1,
                        pipelineParallel: 1,
                        gpusPerPod: 1,
                      },
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
                </select>
              </label>
              <label className="field">
                Group tier
                <select
                  value={design.groupTier ?? ""}
                  onChange={(e) =>
                    set(
                      e.target.value === ""
                        ? { groupTier: undefined }
                        : { groupTier: Number(e.target.value) },
                    )
                  }
                >
                  <option value="">Any</option>
                  <option value="1">1 (leaf)</option>
                  <option value="2">2 (spine)</option>
                  <option value="3">3</option>
                </select>
              </label>
              <label className="field">
                Role tier
                <select
                  value={design.roleTier ?? ""}
                  onChange={(e) =>
                    set(
                      e.target.value === ""
                        ? { roleTier: undefined }
                        : { roleTier: Number(e.target.value) },
                    )
                  }
                >
                  <option value="">Any</option>
                  <option value="0">0 (one node)</option>
                  <option value="1">1 (leaf)</option>
                  <option value="2">2 (spine)</option>
                </select>
              </label>
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

        <div className="grid" style={{ gap: 12 }}>
          <section className="card" aria-labelledby="msgs">
            <h2 id="msgs">Validation</h2>
            <ul className="issues" data-testid="validation">
              {messages.length === 0 ? (
                <li className="ok">
                  All objects are valid · {gpusPerGroup(design)} GPUs per ServingGroup
                </li>
              ) : null}
              {messages.map((m, i) => (
                <li key={i} className={m.level === "warning" ? "warn" : ""}>
                  <strong>{m.where}</strong>: {m.message}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="deploy">
            <h2 id="deploy">Deploy</h2>
            {clusters.length === 0 ? (
              <p className="muted small">
                No clusters registered — the YAML below can be applied with kubectl.
              </p>
            ) : null}
            <div className="row" role="group" aria-label="Target clusters">
              {clusters.map((c) => (
                <label key={c.id} className="row small">
                  <input
                    type="checkbox"
                    checked={targets.includes(c.id)}
                    onChange={(e) =>
                      setTargets((t) =>
                        e.target.checked ? [...t, c.id] : t.filter((x) => x !== c.id),
                      )
                    }
                  />
                  {c.displayName || c.name}
                </label>
              ))}
              <span style={{ flex: 1 }} />
              <button
                type="button"
                className="btn primary"
                disabled={targets.length === 0 || errors.length > 0 || deploy.isPending}
                onClick={() => deploy.mutate()}
              >
                {deploy.isPending
                  ? "Deploying…"
                  : targets.length
                    ? `Deploy to ${targets.length} cluster${targets.length === 1 ? "" : "s"}`
                    : "Deploy"}
              </button>
            </div>
            {deploy.error ? <ErrorState error={describeError(deploy.error)} /> : null}
            {deploy.data ? (
              <ul className="issues" style={{ marginTop: 8 }} data-testid="deploy-result">
                {deploy.data.results.map((r) => (
                  <li key={r.cluster} className={r.ok ? "ok" : ""}>
                    {r.cluster}: {r.ok ? "applied" : (r.error?.message ?? "failed")}
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
          <section className="card" aria-labelledby="yaml">
            <div className="row" style={{ justifyContent: "space-between" }}>
              <h2 id="yaml">Generated YAML</h2>
              <button
                type="button"
                className="btn small"
                onClick={() => void navigator.clipboard.writeText(yaml)}
              >
                Copy
              </button>
            </div>
            <pre className="yaml" data-testid="yaml" tabIndex={0} aria-label="Generated YAML">
              {yaml}
            </pre>
          </section>
        </div>
      </div>
    </>
  );
}
