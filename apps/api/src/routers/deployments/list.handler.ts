import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listDeployments = defineProcedure({
  name: "deployments.list",
  type: "query",
  rest: { method: "GET", path: "/v1/deployments" },
  access: "operator",
  summary: "What Tessera applied, per cluster",
  tags: ["deployments"],
  input: ZListInputSchema,
  handler: ({ ctx, input }) => ctx.services.deployments.list(input),
});
