"use client";
// Where the design's ServingGroups would land: the placement core from @tessera/shared run in the
// browser on a chosen cluster's live nodes and HyperNodes (or a built-in sample fabric), drawn on
// the topology picture with networkTopology violations highlighted.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import type { DesignManifest } from "@tessera/shared/design/index";
import { previewModelServing } from "@tessera/shared/placement/model-serving";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";
import { ClusterOptions } from "~/components/fields";
import { ErrorState } from "~/components/states";
import type { Cluster } from "~/lib/api-types";
import { useList } from "~/lib/resources";
import { InventoryResource, placementClusterOf } from "../cluster/inventory";
import { findViolations, sampleFabric, type TopoPod } from "../topology/layout";
import { TopologyView } from "../topology/TopologyView";
import type { Design } from "./model";

const SAMPLE = "__sample__";

export function PlacementPreview({
  design,
  manifests,
  clusters,
}: {
  design: Design;
  manifests: readonly DesignManifest[];
  clusters: readonly Cluster[];
}) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const previewName = params.get("cluster") ?? SAMPLE;
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

  return (
    <section
      className="card"
      aria-labelledby="preview"
      style={{ marginBottom: 14, minHeight: 300 }}
    >
      <div className="panel-head">
        <h2 id="preview">Placement preview</h2>
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
            <ClusterOptions clusters={clusters} by="name" />
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
  );
}
