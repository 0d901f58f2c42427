import { ClusterPage } from "~/features/cluster/ClusterPage";

export default async function Page({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  return <ClusterPage name={decodeURIComponent(cluster)} />;
}
