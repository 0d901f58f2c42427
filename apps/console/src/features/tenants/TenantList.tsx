"use client";
// Tenants the caller may see (every tenant for platform admins, their own for tenant members).
import Link from "next/link";
import { PageShell, queryState } from "~/components/page-shell";
import { ResourceTable } from "~/components/resource-table";
import { Badge } from "~/components/states";
import { useApiQuery } from "~/lib/resources";
import { useTRPC } from "~/lib/trpc";

export function TenantList() {
  const trpc = useTRPC();
  const tenants = useApiQuery(trpc.tenants.list.queryOptions({}));
  return (
    <PageShell
      title="Tenants & quotas"
      description="Tenants, their API keys, token quotas, usage and cost."
      updatedAt={tenants.updatedAt}
      state={queryState(tenants, {
        when: tenants.data?.length === 0,
        title: "No tenants yet",
        hint: "Create one with the API (tenants.create).",
      })}
    >
      <ResourceTable
        testId="tenants-table"
        items={tenants.data ?? []}
        rowKey={(t) => t.id}
        columns={[
          {
            id: "tenant",
            label: "Tenant",
            cell: (t) => <Link href={`/tenants/${t.id}`}>{t.name}</Link>,
          },
          { id: "slug", label: "Slug", className: "mono", cell: (t) => t.slug },
          {
            id: "state",
            label: "State",
            cell: (t) => (
              <Badge tone={t.status === "ACTIVE" ? "ok" : "warn"}>{t.status.toLowerCase()}</Badge>
            ),
          },
          {
            id: "description",
            label: "Description",
            className: "small muted",
            cell: (t) => t.description ?? "",
          },
        ]}
      />
    </PageShell>
  );
}
