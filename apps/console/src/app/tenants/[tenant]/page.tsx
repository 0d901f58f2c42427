import { TenantDetail } from "~/features/tenants/Tenants";

export default async function Page({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  return <TenantDetail tenantId={decodeURIComponent(tenant)} />;
}
