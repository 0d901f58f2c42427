import { Suspense } from "react";
import { Loading } from "~/components/states";
import { Designer } from "~/features/designer/Designer";

export const metadata = { title: "Topology designer" };

export default function DesignerPage() {
  return (
    <Suspense fallback={<Loading label="Loading designer" />}>
      <Designer />
    </Suspense>
  );
}
