import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listQuotas = defineProcedure({
  name: "quotas.list",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/quotas" },
  access: "tenant-viewer",
  summary: "Token and request quotas of a tenant, per model",
  tags: ["quotas"],
  input: ZListInputSchema,
  handler: ({ ctx, input }) => ctx.services.quotas.list(input.tenantId),
});
