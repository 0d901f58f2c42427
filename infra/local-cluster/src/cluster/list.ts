// `tessera-cluster list`.
import { isAlive } from "../process.ts";
import { listStates } from "./state.ts";
import type { ClusterState } from "./state.ts";

export interface ClusterSummary {
  name: string;
  status: ClusterState["status"] | "dead" | "degraded";
  nodes: number;
  hyperNodes: number;
  scheduler: string;
  processes: string;
  server: string;
  kubeconfig: string;
  ownerPid?: number;
}

export function summarize(state: ClusterState): ClusterSummary {
  const alive = state.processes.filter(isAlive).length;
  let status: ClusterSummary["status"] = state.status;
  if (state.status === "ready" && alive === 0) status = "dead";
  else if (state.status === "ready" && alive < state.processes.length) status = "degraded";
  const summary: ClusterSummary = {
    name: state.name,
    status,
    nodes: state.nodes.length,
    hyperNodes: state.hyperNodes.length,
    scheduler: state.scheduler,
    processes: `${alive}/${state.processes.length}`,
    server: state.server,
    kubeconfig: state.kubeconfig,
  };
  if (state.ownerPid !== undefined) summary.ownerPid = state.ownerPid;
  return summary;
}

export function listClusters(): ClusterSummary[] {
  return listStates().map(summarize);
}

export function formatTable(rows: ClusterSummary[]): string {
  if (rows.length === 0) return "no clusters\n";
  const header = [
    "NAME",
    "STATUS",
    "NODES",
    "HYPERNODES",
    "SCHEDULER",
    "PROCS",
    "SERVER",
    "KUBECONFIG",
  ];
  const cells = rows.map((r) => [
    r.name,
    r.status,
    String(r.nodes),
    String(r.hyperNodes),
    r.scheduler,
    r.processes,
    r.server,
    r.kubeconfig,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)].join("\n") + "\n";
}
