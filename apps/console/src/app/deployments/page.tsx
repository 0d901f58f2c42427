import { Deployments } from "~/features/deployments/Deployments";

export const metadata = { title: "Deployments" };

export default function DeploymentsPage() {
  return <Deployments />;
}
