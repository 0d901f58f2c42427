import { Deployments } from "~/features/deployments/Deployments";

export default async function Page({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  return <Deployments clusterName={decodeURIComponent(cluster)} />;
}
