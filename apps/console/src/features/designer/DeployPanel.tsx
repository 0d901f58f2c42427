"use client";
// Deploys the generated objects to one or more clusters (server-side apply through the API).
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { DesignManifest } from "@tessera/shared/design/index";
import { ApplyResults } from "~/components/fields";
import type { Cluster } from "~/lib/api-types";
import { useTRPC } from "~/lib/trpc";
import type { Design } from "./model";

export function DeployPanel({
  design,
  manifests,
  clusters,
  blocked,
}: {
  design: Design;
  manifests: readonly DesignManifest[];
  clusters: readonly Cluster[];
  /** Validation errors stop a deploy. */
  blocked: boolean;
}) {
  const trpc = useTRPC();
  const [targets, setTargets] = useState<string[]>([]);
  const deploy = useMutation(trpc.deployments.deploy.mutationOptions());
  return (
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
                setTargets((t) => (e.target.checked ? [...t, c.id] : t.filter((x) => x !== c.id)))
              }
            />
            {c.displayName || c.name}
          </label>
        ))}
        <span style={{ flex: 1 }} />
        <button
          type="button"
          className="btn primary"
          disabled={targets.length === 0 || blocked || deploy.isPending}
          onClick={() =>
            deploy.mutate({
              clusterIds: targets,
              namespace: design.namespace,
              name: design.name,
              manifests: [...manifests],
              force: false,
            })
          }
        >
          {deploy.isPending
            ? "Deploying…"
            : targets.length
              ? `Deploy to ${targets.length} cluster${targets.length === 1 ? "" : "s"}`
              : "Deploy"}
        </button>
      </div>
      <ApplyResults error={deploy.error} results={deploy.data?.results} testId="deploy-result" />
    </section>
  );
}
