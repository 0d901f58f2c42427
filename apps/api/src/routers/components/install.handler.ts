import { defineProcedure } from "../../trpc/procedure.ts";
import { ZInstallInputSchema } from "./install.schema.ts";

export const installComponents = defineProcedure({
  name: "components.install",
  type: "mutation",
  rest: { method: "POST", path: "/v1/clusters/{clusterId}/components/install" },
  access: "admin",
  summary:
    "Install or upgrade Tessera's in-cluster components (the Helm chart, server-side applied) in the background; 409 while one runs",
  tags: ["components"],
  input: ZInstallInputSchema,
  handler: ({ ctx, input }) => ctx.services.components.install(ctx, input),
});
