import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listResources = defineProcedure({
  name: "resources.list",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}/resources" },
  access: "operator",
  summary:
    "Kubernetes objects of one allow-listed kind (managedFields trimmed); a kind the cluster does not serve is served: false",
  tags: ["resources"],
  input: ZListInputSchema,
  handler: ({ ctx, input }) => ctx.services.resources.list(input),
});
