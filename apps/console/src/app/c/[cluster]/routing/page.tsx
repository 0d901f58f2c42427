import { Routing } from "~/features/routing/Routing";

export default async function Page({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  return <Routing clusterName={decodeURIComponent(cluster)} />;
}
