"use client";
// Nodes with readiness, GPU model, GPUs used and the leaf HyperNode they hang under.
import { ResourceTable } from "~/components/resource-table";
import { Badge, Meter } from "~/components/states";
import type { Inventory } from "~/lib/api-types";

type Node = Inventory["nodes"][number];

export function NodesTable({ inventory }: { inventory: Inventory }) {
  const leaves = inventory.hyperNodes.filter((h) => h.tier === 1);
  const leafOf = (n: Node) => leaves.find((h) => JSON.stringify(h.members).includes(n.name))?.name;
  return (
    <ResourceTable
      testId="nodes-table"
      items={inventory.nodes}
      rowKey={(n) => n.name}
      columns={[
        { id: "node", label: "Node", className: "mono", cell: (n) => n.name },
        {
          id: "state",
          label: "State",
          cell: (n) => (
            <Badge tone={!n.ready ? "bad" : n.unschedulable ? "warn" : "ok"}>
              {!n.ready ? "not ready" : n.unschedulable ? "cordoned" : "ready"}
            </Badge>
          ),
        },
        { id: "gpu", label: "GPU", className: "small", cell: (n) => n.gpuProduct ?? "–" },
        {
          id: "used",
          label: "GPUs used",
          width: 240,
          cell: (n) => (
            <div className="row" style={{ flexWrap: "nowrap" }}>
              <div style={{ flex: 1 }}>
                <Meter value={n.usedGpus} max={n.allocatableGpus} label={`${n.name} GPUs used`} />
              </div>
              <span className="small mono">
                {n.usedGpus}/{n.allocatableGpus}
              </span>
            </div>
          ),
        },
        { id: "leaf", label: "Leaf", className: "small mono", cell: (n) => leafOf(n) ?? "–" },
      ]}
    />
  );
}
