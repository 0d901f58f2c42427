"use client";
// One cluster: nodes and GPUs, the HyperNode topology picture with the placed pods, and (for
// platform admins) installing or upgrading Tessera's in-cluster components.
import { useMemo } from "react";
import { fanOutState, PageShell, Panel } from "~/components/page-shell";
import { Badge, Stat } from "~/components/states";
import { useList } from "~/lib/resources";
import { clusterTone, isAdmin, meOf, useClusterByName, useMe } from "~/lib/session";
import { TopologyView } from "../topology/TopologyView";
import { useClusterPods } from "./cluster-pods";
import { InstallComponents } from "./InstallComponents";
import { InventoryResource, placementClusterOf } from "./inventory";
import { NodesTable } from "./NodesTable";

export function ClusterPage({ name }: { name: string }) {
  const { cluster, state } = useClusterByName(name);
  const list = cluster ? [cluster] : [];
  const inventory = useList(InventoryResource, list);
  const inv = inventory.items[0];
  const fabric = useMemo(() => (inv ? placementClusterOf(inv) : null), [inv]);
  const { pods, topoPods, violations } = useClusterPods(list, fabric);
  const admin = isAdmin(meOf(useMe().data));

  return (
    <PageShell
      title={cluster ? cluster.displayName || cluster.name : name}
      description={
        cluster ? (
          <>
            <Badge tone={clusterTone(cluster.status)}>{cluster.status.toLowerCase()}</Badge>{" "}
            <span className="mono">{cluster.kubernetesVersion ?? ""}</span>
            {cluster.region ? ` · ${cluster.region}` : ""}
          </>
        ) : undefined
      }
      updatedAt={Math.max(inventory.updatedAt, pods.updatedAt)}
      state={state}
    >
      {cluster ? (
        <>
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

          <Panel
            id="topo-h"
            title="HyperNode topology"
            className="card section"
            rows={5}
            state={fanOutState(inventory, {
              when: Boolean(inv) && inv?.hyperNodes.length === 0,
              title: "No HyperNodes in this cluster",
              hint: "Volcano HyperNodes describe the network tiers; without them placement is topology-blind.",
            })}
          >
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
          </Panel>

          {admin ? <InstallComponents cluster={cluster} /> : null}

          <Panel
            id="nodes-h"
            title="Nodes and GPUs"
            className="section"
            state={{ empty: { when: inv?.nodes.length === 0, title: "No nodes" } }}
          >
            {inv ? <NodesTable inventory={inv} /> : null}
          </Panel>
        </>
      ) : null}
    </PageShell>
  );
}
