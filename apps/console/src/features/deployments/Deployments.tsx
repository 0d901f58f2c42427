"use client";
// Every ModelServing Tessera applied, across clusters or in one: state, revision, and on demand the
// live objects and the router's endpoints.
import { skipToken } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { PageShell, queryState } from "~/components/page-shell";
import { Badge, type Tone } from "~/components/states";
import { useApiQuery } from "~/lib/resources";
import { clustersOf, useClusters } from "~/lib/session";
import { useTRPC } from "~/lib/trpc";
import { DeploymentDetails } from "./DeploymentDetails";

const statusTone = (s: string): Tone =>
  s === "APPLIED"
    ? "ok"
    : s === "DRIFTED" || s === "PENDING"
      ? "warn"
      : s === "FAILED"
        ? "bad"
        : "neutral";

export function Deployments({ clusterName }: { clusterName?: string }) {
  const trpc = useTRPC();
  const clusters = clustersOf(useClusters().data);
  const cluster = clusterName ? clusters.find((c) => c.name === clusterName) : undefined;
  const list = useApiQuery(
    trpc.deployments.list.queryOptions(
      clusterName && !cluster ? skipToken : cluster ? { clusterId: cluster.id } : {},
    ),
  );
  const [open, setOpen] = useState<string | null>(null);
  const rows = (list.data ?? []).filter((d) => d.status !== "DELETED");
  return (
    <PageShell
      title={cluster ? `Deployments · ${cluster.displayName || cluster.name}` : "Deployments"}
      description="Every ModelServing Tessera applied, per cluster: rollout, groups and roles, recovery events and the router's endpoints."
      updatedAt={list.updatedAt}
      state={queryState(list, {
        when: Boolean(list.data) && rows.length === 0,
        title: "Nothing deployed yet",
        hint: "Design a topology and deploy it from the topology designer.",
      })}
    >
      {rows.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="deployments-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Cluster</th>
                <th scope="col">Namespace</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Revision
                </th>
                <th scope="col">Applied</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <Fragment key={d.id}>
                  <tr>
                    <td>
                      <strong>{d.name}</strong>
                    </td>
                    <td>{d.cluster}</td>
                    <td className="mono">{d.namespace}</td>
                    <td>
                      <Badge tone={statusTone(d.status)}>{d.status.toLowerCase()}</Badge>
                      {d.statusMessage ? (
                        <div className="small muted">{d.statusMessage}</div>
                      ) : null}
                    </td>
                    <td className="num">{d.revision}</td>
                    <td className="small">
                      {d.appliedAt ? new Date(d.appliedAt).toLocaleString() : "–"}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn small"
                        aria-expanded={open === d.id}
                        onClick={() => setOpen(open === d.id ? null : d.id)}
                      >
                        {open === d.id ? "Hide" : "Details"}
                      </button>
                    </td>
                  </tr>
                  {open === d.id ? (
                    <tr>
                      <td colSpan={7} style={{ background: "var(--panel-2)" }}>
                        <DeploymentDetails d={d} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </PageShell>
  );
}
