import { defineProcedure } from "../../trpc/procedure.ts";
import { ZGetInputSchema } from "./get.schema.ts";

export const getTenant = defineProcedure({
  name: "tenants.get",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}" },
  access: "tenant-viewer",
  summary: "One tenant",
  tags: ["tenants"],
  input: ZGetInputSchema,
  handler: ({ ctx, input }) => ctx.services.tenants.get(input.tenantId),
});
