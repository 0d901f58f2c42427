import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRegisterInputSchema } from "./register.schema.ts";

export const registerCluster = defineProcedure({
  name: "clusters.register",
  type: "mutation",
  rest: { method: "POST", path: "/v1/clusters" },
  access: "admin",
  summary: "Register a cluster by kubeconfig (checks reachability and version)",
  tags: ["clusters"],
  input: ZRegisterInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.register(ctx, input),
});
