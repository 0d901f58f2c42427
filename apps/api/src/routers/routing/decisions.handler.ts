import { defineProcedure } from "../../trpc/procedure.ts";
import { ZDecisionsInputSchema } from "./decisions.schema.ts";

export const routingDecisions = defineProcedure({
  name: "routing.decisions",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}/routing/decisions" },
  access: "operator",
  summary:
    "The routers' most recent scheduling decisions with every candidate's per-plugin scores, newest first",
  tags: ["routing"],
  input: ZDecisionsInputSchema,
  handler: ({ ctx, input }) => ctx.services.routing.decisions(input),
});
