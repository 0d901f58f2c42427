import { defineProcedure } from "../../trpc/procedure.ts";
import { ZStatusInputSchema } from "./status.schema.ts";

export const componentsStatus = defineProcedure({
  name: "components.status",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}/components" },
  access: "operator",
  summary: "The last install operation of the cluster and the health of the installed components",
  tags: ["components"],
  input: ZStatusInputSchema,
  handler: ({ ctx, input }) => ctx.services.components.status(input),
});
