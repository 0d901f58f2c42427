import { TenantList } from "~/features/tenants/TenantList";

export const metadata = { title: "Tenants" };

export default function TenantsPage() {
  return <TenantList />;
}
