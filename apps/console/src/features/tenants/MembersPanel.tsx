"use client";
// The users of a tenant and their role in it.
import { Panel, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Badge } from "~/components/states";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

export function MembersPanel({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const members = useApiQuery(trpc.tenants.members.queryOptions({ tenantId }), {
    refetchInterval: 60_000,
  });
  return (
    <Panel
      id="members-h"
      title="Users"
      rows={2}
      state={queryState(members, { when: members.data?.length === 0, title: "No members yet" })}
    >
      <ResourceTable
        testId="members-table"
        items={members.data ?? []}
        rowKey={(m) => m.userId}
        columns={[
          {
            id: "user",
            label: "User",
            cell: (m) => (
              <>
                {m.displayName ?? m.email}
                {m.displayName ? <span className="muted small"> · {m.email}</span> : null}
              </>
            ),
          },
          {
            id: "role",
            label: "Role",
            cell: (m) => (
              <Badge tone={m.role === "TENANT_ADMIN" ? "info" : "neutral"}>
                {m.role === "TENANT_ADMIN" ? "tenant admin" : "viewer"}
              </Badge>
            ),
          },
          {
            id: "since",
            label: "Since",
            className: "small",
            cell: (m) => new Date(m.since).toLocaleDateString(),
          },
        ]}
      />
    </Panel>
  );
}
