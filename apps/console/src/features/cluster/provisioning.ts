"use client";
// Clusters a launcher (`npm start`) is bringing up in the background, as the API records their
// progress. Polled every 3 s while one is in progress, else every 30 s.
import type { RouterOutputs } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

export type ProvisioningEntry = RouterOutputs["clusters"]["provisioning"][number];

/** Still worth showing: not ready, or ready but not registered yet (failures stay until fixed). */
export const inProgress = (e: ProvisioningEntry) => e.phase !== "Ready" || !e.clusterId;

/** "Building binaries (3/7)" */
export const stepText = (e: ProvisioningEntry) =>
  `${e.step}${e.progress ? ` (${e.progress.done}/${e.progress.total})` : ""}`;

export function useProvisioning(options: { enabled?: boolean } = {}) {
  const trpc = useTRPC();
  const q = useApiQuery(
    trpc.clusters.provisioning.queryOptions(
      {},
      {
        refetchInterval: (query) =>
          query.state.data?.some((e) => inProgress(e) && e.phase !== "Failed") ? 3_000 : 30_000,
      },
    ),
    options,
  );
  return { ...q, active: (q.data ?? []).filter(inProgress) };
}
