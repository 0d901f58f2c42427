"use client";
// The topology designer (xPyD): the form, the generated YAML with validation, the placement preview
// on a chosen cluster, saving/loading designs, and deploying to one or more clusters. The YAML and
// the deployed objects are @tessera/shared's render of the design's saved spec.
import { useMemo, useState } from "react";
import { PageHeader } from "~/components/page-shell";
import { Badge } from "~/components/states";
import { clustersOf, useClusters } from "~/lib/session";
import type { CarriedFields } from "./design-spec";
import { DeployPanel } from "./DeployPanel";
import { DesignForm } from "./DesignForm";
import { defaultDesign, gpusPerGroup, type Design } from "./model";
import { PlacementPreview } from "./PlacementPreview";
import { previewDesign } from "./preview";
import { SavedDesigns } from "./SavedDesigns";

export function Designer() {
  const [design, setDesign] = useState<Design>(defaultDesign);
  const [carried, setCarried] = useState<CarriedFields>({});
  // The same render the API uses for a saved design (preview.ts), with the carried fields.
  const { manifests, yaml, messages } = useMemo(
    () => previewDesign(design, carried),
    [design, carried],
  );
  const errors = messages.filter((m) => m.level === "error");
  const clusters = clustersOf(useClusters().data);

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
      <PlacementPreview design={design} manifests={manifests} clusters={clusters} />
      <div className="designer">
        <DesignForm design={design} onChange={setDesign} />
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
          <DeployPanel
            design={design}
            manifests={manifests}
            clusters={clusters}
            blocked={errors.length > 0}
          />
          <SavedDesigns
            design={design}
            carried={carried}
            onLoad={(loaded) => {
              setDesign(loaded.design);
              setCarried(loaded.carried);
            }}
          />
          <section className="card" aria-labelledby="yaml">
            <div className="panel-head">
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
