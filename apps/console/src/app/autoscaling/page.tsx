import { Tuner } from "~/features/tuner/Tuner";

export const metadata = { title: "Autoscaling tuner" };

export default function AutoscalingPage() {
  return <Tuner />;
}
