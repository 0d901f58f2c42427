import { TenantList } from "~/features/tenants/Tenants";

export const metadata = { title: "Tenants" };

export default function TenantsPage() {
  return <TenantList />;
}
