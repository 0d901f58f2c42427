"use client";
// Applies the tuned AutoscalingPolicy to one cluster (server-side apply through the API).
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ApplyResults, ClusterOptions } from "~/components/fields";
import { clustersOf, useClusters } from "~/lib/session";
import { useTRPC } from "~/lib/trpc";
import type { PolicyParse } from "./model";

export function ApplyPolicy({ policy }: { policy: PolicyParse }) {
  const trpc = useTRPC();
  const clusters = clustersOf(useClusters().data);
  const [target, setTarget] = useState("");
  const apply = useMutation(trpc.deployments.deploy.mutationOptions());
  return (
    <section className="card" aria-labelledby="apply">
      <h2 id="apply">Apply</h2>
      <div className="row">
        <select
          aria-label="Cluster to apply to"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
        >
          <option value="">Choose a cluster…</option>
          <ClusterOptions clusters={clusters} by="id" />
        </select>
        <button
          type="button"
          className="btn primary"
          disabled={!policy.ok || !target || apply.isPending}
          onClick={() => {
            if (policy.ok)
              apply.mutate({
                clusterIds: [target],
                namespace: policy.namespace,
                name: policy.name,
                manifests: [policy.manifest],
                force: false,
              });
          }}
        >
          Apply policy
        </button>
      </div>
      <ApplyResults error={apply.error} results={apply.data?.results} />
    </section>
  );
}
