import { TenantDetail } from "~/features/tenants/TenantDetail";

export default async function Page({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  return <TenantDetail tenantId={decodeURIComponent(tenant)} />;
}
