import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRemoveInputSchema } from "./remove.schema.ts";

export const removeQuota = defineProcedure({
  name: "quotas.remove",
  type: "mutation",
  rest: { method: "DELETE", path: "/v1/tenants/{tenantId}/quotas/{model}" },
  access: "admin",
  summary: "Remove a tenant's limits for a model",
  tags: ["quotas"],
  input: ZRemoveInputSchema,
  handler: ({ ctx, input }) => ctx.services.quotas.remove(ctx, input.tenantId, input.model),
});
