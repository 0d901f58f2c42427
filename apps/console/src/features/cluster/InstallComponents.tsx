"use client";
// Installing or upgrading Tessera's in-cluster components (router, controller… as the Helm chart
// renders them) from the console, for platform admins: a confirmation dialog with an optional
// namespace, then the operation's progress messages and each component's health, polled every 2 s
// while the install runs.
import { skipToken, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Panel, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Badge, ErrorState, type Tone } from "~/components/states";
import { describeError } from "~/lib/api-client";
import type { ClusterRef, RouterOutputs } from "~/lib/api-types";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

type Status = RouterOutputs["components"]["status"];
type Health = Status["health"][number];

const healthTone = (s: Health["state"]): Tone =>
  s === "Available" ? "ok" : s === "Progressing" ? "info" : s === "Degraded" ? "warn" : "bad";
const opTone = (s: string): Tone => (s === "Succeeded" ? "ok" : s === "Running" ? "info" : "bad");
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function InstallComponents({ cluster }: { cluster: ClusterRef }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [namespace, setNamespace] = useState("");
  // The namespace of the install we started (status reads health there); else the API's default.
  const [watching, setWatching] = useState<string | undefined>(undefined);
  const status = useApiQuery(
    trpc.components.status.queryOptions(
      cluster ? { clusterId: cluster.id, ...(watching ? { namespace: watching } : {}) } : skipToken,
      {
        refetchInterval: (q) => (q.state.data?.operation?.state === "Running" ? 2_000 : 15_000),
      },
    ),
  );
  const install = useMutation(
    trpc.components.install.mutationOptions({
      onSuccess: () => {
        dialog.current?.close();
        void qc.invalidateQueries(trpc.components.status.queryFilter());
      },
    }),
  );
  const nsProblem =
    namespace && !DNS_LABEL.test(namespace)
      ? "namespace: must be a DNS label (lower case letters, digits, '-')"
      : null;
  const op = status.data?.operation ?? null;
  const running = op?.state === "Running";

  return (
    <Panel
      id="components-h"
      title="Tessera components"
      className="card section"
      testId="components-panel"
      headerExtra={
        <button
          type="button"
          className="btn primary"
          disabled={running || install.isPending}
          onClick={() => {
            install.reset();
            dialog.current?.showModal();
          }}
        >
          Install / upgrade Tessera components
        </button>
      }
      state={queryState(status)}
    >
      <dialog
        ref={dialog}
        className="confirm"
        aria-labelledby="install-dialog-h"
        data-testid="install-dialog"
      >
        <form
          method="dialog"
          className="grid"
          style={{ gap: 12 }}
          onSubmit={(e) => {
            e.preventDefault();
            if (nsProblem) return;
            setWatching(namespace || undefined);
            install.mutate({ clusterId: cluster.id, ...(namespace ? { namespace } : {}) });
          }}
        >
          <h2 id="install-dialog-h" style={{ margin: 0 }}>
            Install Tessera components in {cluster.name}?
          </h2>
          <p className="small" style={{ margin: 0 }}>
            Renders Tessera’s Helm chart and server-side applies it to the cluster: the router, the
            controller and their CRDs. Existing components are upgraded in place; objects the chart
            no longer has are removed.
          </p>
          <label className="field">
            Namespace (optional)
            <input
              value={namespace}
              onChange={(e) => setNamespace(e.target.value.trim())}
              placeholder="tessera-system"
              aria-invalid={nsProblem ? true : undefined}
            />
          </label>
          {nsProblem ? (
            <p className="small" role="alert" style={{ color: "var(--bad)", margin: 0 }}>
              {nsProblem}
            </p>
          ) : null}
          {install.error ? <ErrorState error={describeError(install.error)} /> : null}
          <div className="row" style={{ justifyContent: "flex-end" }}>
            <button type="button" className="btn" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn primary"
              disabled={Boolean(nsProblem) || install.isPending}
            >
              {install.isPending ? "Starting…" : "Install"}
            </button>
          </div>
        </form>
      </dialog>

      <div className="row small" data-testid="install-operation" style={{ minHeight: 26 }}>
        {op ? (
          <>
            <span>
              Last install of version <span className="mono">{op.version}</span> into{" "}
              <span className="mono">{op.namespace}</span>:
            </span>
            <Badge tone={opTone(op.state)}>{op.state.toLowerCase()}</Badge>
            <span className="muted">
              started {new Date(op.startedAt).toLocaleTimeString()}
              {op.finishedAt ? `, finished ${new Date(op.finishedAt).toLocaleTimeString()}` : ""}
            </span>
          </>
        ) : (
          <span className="muted">Not installed from this console yet.</span>
        )}
      </div>
      {op?.error ? (
        <ErrorState error={{ message: op.error, missingProcedure: false, unauthorized: false }} />
      ) : null}
      {op ? (
        <div
          className="log"
          role="log"
          aria-label="Install progress"
          data-testid="install-log"
          tabIndex={0}
        >
          {op.messages.length ? op.messages.join("\n") : "Waiting for the first step…"}
        </div>
      ) : null}
      {status.data?.healthError ? (
        <p className="small muted" role="note">
          Health could not be read: {status.data.healthError}
        </p>
      ) : null}
      {status.data && status.data.health.length === 0 && !status.data.healthError ? (
        <p className="small muted">No Tessera components in this namespace.</p>
      ) : null}
      <ResourceTable
        testId="components-health"
        items={status.data?.health ?? []}
        rowKey={(h) => h.deployment}
        columns={[
          { id: "component", label: "Component", cell: (h) => h.component },
          {
            id: "deployment",
            label: "Deployment",
            className: "mono small",
            cell: (h) => h.deployment,
          },
          {
            id: "state",
            label: "Health",
            cell: (h) => <Badge tone={healthTone(h.state)}>{h.state}</Badge>,
          },
          {
            id: "ready",
            label: "Ready",
            numeric: true,
            width: 80,
            cell: (h) => `${h.readyReplicas}/${h.replicas}`,
          },
          { id: "message", label: "Message", className: "small muted", cell: (h) => h.message },
        ]}
      />
    </Panel>
  );
}
