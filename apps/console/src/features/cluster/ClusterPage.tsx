"use client";
import { useMemo } from "react";
import type { TopologyPolicy } from "@tessera/shared/placement/types";
import { LABEL_GROUP_NAME, LABEL_MODEL_SERVING_NAME, LABEL_ROLE } from "@tessera/shared/api/labels";
import {
  Badge,
  Empty,
  ErrorState,
  LastUpdated,
  Loading,
  Meter,
  PageHeader,
  Stat,
} from "~/components/states";
import { ModelServings, Pods } from "~/lib/kube";
import { useList } from "~/lib/resources";
import { clusterTone, clustersOf, useClusters } from "~/lib/session";
import { findViolations, type TopoPod } from "../topology/layout";
import { TopologyView } from "../topology/TopologyView";
import { InventoryResource, placementClusterOf } from "./inventory";

function gpusOf(
  spec:
    | {
        containers?: {
          resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
        }[];
      }
    | undefined,
): number {
  return (spec?.containers ?? []).reduce(
    (s, c) =>
      s +
      Number(
        c.resources?.requests?.["nvidia.com/gpu"] ?? c.resources?.limits?.["nvidia.com/gpu"] ?? 0,
      ),
    0,
  );
}

export function ClusterPage({ name }: { name: string }) {
  const clustersQ = useClusters();
  const cluster = clustersOf(clustersQ.data).find((c) => c.name === name);
  const list = cluster ? [cluster] : [];
  const inventory = useList(InventoryResource, list);
  const pods = useList(Pods, list);
  const servings = useList(ModelServings, list);
  const inv = inventory.items[0];
  const fabric = useMemo(() => (inv ? placementClusterOf(inv) : null), [inv]);

  const topoPods: TopoPod[] = useMemo(
    () =>
      pods.items
        .filter((p) => p.spec?.nodeName)
        .map((p) => ({
          name: p.metadata.name,
          node: p.spec?.nodeName ?? "",
          gpus: gpusOf(p.spec),
          modelServing: p.metadata.labels?.[LABEL_MODEL_SERVING_NAME] ?? "?",
          group: p.metadata.labels?.[LABEL_GROUP_NAME] ?? "?",
          role: p.metadata.labels?.[LABEL_ROLE] ?? "?",
        })),
    [pods.items],
  );
  const violations = useMemo(() => {
    if (!fabric) return [];
    const policies = new Map<string, TopologyPolicy | undefined>();
    for (const ms of servings.items) {
      const gp = (
        ms.spec as
          | {
              template?: {
                networkTopology?: {
                  groupPolicy?: { mode?: "hard" | "soft"; highestTierAllowed?: number };
                };
              };
            }
          | undefined
      )?.template?.networkTopology?.groupPolicy;
      policies.set(
        ms.metadata.name,
        gp
          ? {
              mode: gp.mode ?? "hard",
              ...(gp.highestTierAllowed !== undefined
                ? { highestTierAllowed: gp.highestTierAllowed }
                : {}),
            }
          : undefined,
      );
    }
    return findViolations(fabric, topoPods, (ms) => policies.get(ms));
  }, [fabric, servings.items, topoPods]);

  if (clustersQ.isLoading) return <Loading label="Loading cluster" />;
  if (clustersQ.error) return <ErrorState error={clustersQ.error} retry={clustersQ.refetch} />;
  if (!cluster)
    return <Empty title={`No cluster named “${name}”`}>Pick one from the sidebar.</Empty>;

  return (
    <>
      <PageHeader
        title={cluster.displayName || cluster.name}
        description={
          <>
            <Badge tone={clusterTone(cluster.status)}>{cluster.status.toLowerCase()}</Badge>{" "}
            <span className="mono">{cluster.kubernetesVersion ?? ""}</span>
            {cluster.region ? ` · ${cluster.region}` : ""}
          </>
        }
        actions={<LastUpdated at={inventory.updatedAt} />}
      />
      {inventory.errors.length ? (
        <ErrorState error={inventory.errors} retry={inventory.refetch} />
      ) : null}
      <div className="grid cols-4">
        <Stat
          label="Nodes"
          value={inv ? inv.nodes.length : "–"}
          sub={
            inv
              ? `${inv.nodes.filter((n) => !n.ready).length} not ready · ${inv.nodes.filter((n) => n.unschedulable).length} cordoned`
              : undefined
          }
        />
        <Stat label="GPUs allocatable" value={inv ? inv.gpus.allocatable : "–"} />
        <Stat
          label="GPUs in use"
          value={inv ? inv.gpus.used : "–"}
          sub={
            inv && inv.gpus.allocatable
              ? `${Math.round((100 * inv.gpus.used) / inv.gpus.allocatable)}%`
              : undefined
          }
        />
        <Stat
          label="HyperNodes"
          value={inv ? inv.hyperNodes.length : "–"}
          sub={inv ? `${new Set(inv.hyperNodes.map((h) => h.tier)).size} tiers` : undefined}
        />
      </div>

      <section className="card section" aria-labelledby="topo-h">
        <h2 id="topo-h">HyperNode topology</h2>
        {inventory.isLoading ? <Loading rows={5} /> : null}
        {inv && inv.hyperNodes.length === 0 ? (
          <Empty title="No HyperNodes in this cluster">
            Volcano HyperNodes describe the network tiers; without them placement is topology-blind.
          </Empty>
        ) : null}
        {pods.errors.length ? (
          <p className="small muted" role="note">
            Pods are not shown: {pods.errors[0]?.message}
          </p>
        ) : null}
        {fabric && inv && inv.hyperNodes.length > 0 ? (
          <TopologyView
            cluster={fabric}
            pods={topoPods}
            violations={violations}
            title={`${cluster.name} topology`}
          />
        ) : null}
      </section>

      <section className="section" aria-labelledby="nodes-h">
        <h2 id="nodes-h">Nodes and GPUs</h2>
        {inv && inv.nodes.length === 0 ? <Empty title="No nodes" /> : null}
        {inv && inv.nodes.length ? (
          <div className="table-wrap">
            <table className="table" data-testid="nodes-table">
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">State</th>
                  <th scope="col">GPU</th>
                  <th scope="col" style={{ width: 240 }}>
                    GPUs used
                  </th>
                  <th scope="col">Leaf</th>
                </tr>
              </thead>
              <tbody>
                {inv.nodes.map((n) => {
                  const leaf = fabric
                    ? inv.hyperNodes
                        .filter((h) => h.tier === 1)
                        .find((h) => JSON.stringify(h.members).includes(n.name))?.name
                    : undefined;
                  return (
                    <tr key={n.name}>
                      <td className="mono">{n.name}</td>
                      <td>
                        <Badge tone={!n.ready ? "bad" : n.unschedulable ? "warn" : "ok"}>
                          {!n.ready ? "not ready" : n.unschedulable ? "cordoned" : "ready"}
                        </Badge>
                      </td>
                      <td className="small">{n.gpuProduct ?? "–"}</td>
                      <td>
                        <div className="row" style={{ flexWrap: "nowrap" }}>
                          <div style={{ flex: 1 }}>
                            <Meter
                              value={n.usedGpus}
                              max={n.allocatableGpus}
                              label={`${n.name} GPUs used`}
                            />
                          </div>
                          <span className="small mono">
                            {n.usedGpus}/{n.allocatableGpus}
                          </span>
                        </div>
                      </td>
                      <td className="small mono">{leaf ?? "–"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
