import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listClusters = defineProcedure({
  name: "clusters.list",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters" },
  access: "operator",
  summary: "Registered clusters with health and the time of the last successful check",
  tags: ["clusters"],
  input: ZListInputSchema,
  handler: ({ ctx }) => ctx.services.clusters.list(),
});
