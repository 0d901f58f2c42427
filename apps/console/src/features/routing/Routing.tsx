"use client";
// Routing in one cluster: ModelRoutes and ModelServers (live from the cluster), the routers' view
// of every endpoint, and their last scheduling decisions with each plugin's score.
import { KubeObjectsPanel } from "~/components/kube-panel";
import { PageShell } from "~/components/page-shell";
import { Badge } from "~/components/states";
import { ModelRoutes, ModelServers } from "~/lib/kube";
import { useList } from "~/lib/resources";
import { useClusterByName } from "~/lib/session";
import { DecisionsPanel } from "./DecisionsPanel";
import { EndpointsPanel } from "./EndpointsPanel";
import { useRoutingDecisions, useRoutingEndpoints } from "./routing-data";

interface RouteSpec {
  modelName?: string;
  rules?: { targetModels?: { modelServerName: string; weight?: number }[] }[];
}
interface ServerSpec {
  inferenceEngine?: string;
  model?: string;
  workloadSelector?: { pdGroup?: unknown };
}

export function Routing({ clusterName }: { clusterName: string }) {
  const { cluster, state } = useClusterByName(clusterName);
  const list = cluster ? [cluster] : [];
  const routes = useList(ModelRoutes, list);
  const servers = useList(ModelServers, list);
  const endpoints = useRoutingEndpoints(cluster);
  const decisions = useRoutingDecisions(cluster);

  return (
    <PageShell
      title={`Routing · ${cluster ? cluster.displayName || cluster.name : clusterName}`}
      description="ModelRoutes and ModelServers, the routers' endpoints and their last scheduling decisions."
      updatedAt={Math.max(endpoints.updatedAt, decisions.updatedAt, routes.updatedAt)}
      state={state}
    >
      {cluster ? (
        <>
          <div className="grid cols-2">
            <KubeObjectsPanel
              id="routes-h"
              title="ModelRoutes"
              list={routes}
              emptyTitle="No ModelRoutes"
              testId="routes-table"
              columns={[
                { id: "name", label: "Name", className: "mono", cell: (r) => r.metadata.name },
                {
                  id: "model",
                  label: "Model",
                  className: "mono",
                  cell: (r) => (r.spec as RouteSpec | undefined)?.modelName ?? "–",
                },
                {
                  id: "targets",
                  label: "Targets",
                  className: "small",
                  cell: (r) =>
                    ((r.spec as RouteSpec | undefined)?.rules ?? [])
                      .flatMap((x) => x.targetModels ?? [])
                      .map(
                        (t) =>
                          `${t.modelServerName}${t.weight !== undefined ? ` (${t.weight})` : ""}`,
                      )
                      .join(", "),
                },
              ]}
            />
            <KubeObjectsPanel
              id="servers-h"
              title="ModelServers"
              list={servers}
              emptyTitle="No ModelServers"
              testId="servers-table"
              columns={[
                { id: "name", label: "Name", className: "mono", cell: (s) => s.metadata.name },
                {
                  id: "engine",
                  label: "Engine",
                  cell: (s) => (s.spec as ServerSpec | undefined)?.inferenceEngine ?? "–",
                },
                {
                  id: "model",
                  label: "Model",
                  className: "mono small",
                  cell: (s) => (s.spec as ServerSpec | undefined)?.model ?? "–",
                },
                {
                  id: "pd",
                  label: "PD",
                  cell: (s) =>
                    (s.spec as ServerSpec | undefined)?.workloadSelector?.pdGroup ? (
                      <Badge tone="info">prefill/decode</Badge>
                    ) : (
                      "–"
                    ),
                },
              ]}
            />
          </div>
          <EndpointsPanel endpoints={endpoints} />
          <DecisionsPanel decisions={decisions} />
        </>
      ) : null}
    </PageShell>
  );
}
