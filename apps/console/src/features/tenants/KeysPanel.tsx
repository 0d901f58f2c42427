"use client";
// A tenant's API keys: create one (its secret is shown once), list them by prefix, revoke.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Panel, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Badge, ErrorState } from "~/components/states";
import { describeError } from "~/lib/api-client";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

export function KeysPanel({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useApiQuery(trpc.keys.list.queryOptions({ tenantId }));
  const [name, setName] = useState("");
  const [models, setModels] = useState("");
  const refresh = () => void qc.invalidateQueries(trpc.keys.list.queryFilter({ tenantId }));
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: () => {
        setName("");
        refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: refresh }));
  return (
    <Panel
      id="keys-h"
      title="API keys"
      state={queryState(keys, { when: keys.data?.length === 0, title: "No API keys" })}
    >
      <form
        className="row"
        style={{ marginBottom: 10, alignItems: "flex-end" }}
        onSubmit={(e) => {
          e.preventDefault();
          if (name)
            create.mutate({
              tenantId,
              name,
              models: models
                .split(",")
                .map((m) => m.trim())
                .filter(Boolean),
            });
        }}
      >
        <label className="field">
          Key name
          <input
            value={name}
            required
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-pipeline"
          />
        </label>
        <label className="field" style={{ flex: 1 }}>
          Models (empty = all)
          <input
            value={models}
            onChange={(e) => setModels(e.target.value)}
            placeholder="Qwen/Qwen3-8B"
          />
        </label>
        <button type="submit" className="btn primary" disabled={!name || create.isPending}>
          Create key
        </button>
      </form>
      {create.error ? <ErrorState error={describeError(create.error)} /> : null}
      {create.data ? (
        <div className="grid" style={{ gap: 6, marginBottom: 10 }} role="status">
          <strong>Copy this key now — it is shown only once.</strong>
          <div className="secret" data-testid="new-key-secret">
            {create.data.secret}
          </div>
          <div className="row">
            <button
              type="button"
              className="btn small"
              onClick={() => void navigator.clipboard.writeText(create.data.secret)}
            >
              Copy
            </button>
            <button type="button" className="btn small" onClick={() => create.reset()}>
              I have stored it
            </button>
          </div>
        </div>
      ) : null}
      {revoke.error ? <ErrorState error={describeError(revoke.error)} /> : null}
      <ResourceTable
        testId="keys-table"
        items={keys.data ?? []}
        rowKey={(k) => k.id}
        columns={[
          { id: "name", label: "Name", cell: (k) => k.name },
          { id: "prefix", label: "Prefix", className: "mono", cell: (k) => `${k.prefix}…` },
          {
            id: "models",
            label: "Models",
            className: "small",
            cell: (k) => (k.allowedModels.length ? k.allowedModels.join(", ") : "all"),
          },
          {
            id: "used",
            label: "Last used",
            className: "small",
            cell: (k) => (k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "never"),
          },
          {
            id: "state",
            label: "State",
            cell: (k) =>
              k.revokedAt ? <Badge tone="bad">revoked</Badge> : <Badge tone="ok">active</Badge>,
          },
          {
            id: "actions",
            label: <span className="visually-hidden">Actions</span>,
            cell: (k) =>
              !k.revokedAt ? (
                <button
                  type="button"
                  className="btn small"
                  onClick={() => revoke.mutate({ tenantId, keyId: k.id })}
                  aria-label={`Revoke key ${k.name}`}
                >
                  Revoke
                </button>
              ) : null,
          },
        ]}
      />
    </Panel>
  );
}
