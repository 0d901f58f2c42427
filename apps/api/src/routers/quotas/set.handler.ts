import { defineProcedure } from "../../trpc/procedure.ts";
import { ZSetInputSchema } from "./set.schema.ts";

export const setQuota = defineProcedure({
  name: "quotas.set",
  type: "mutation",
  rest: { method: "PUT", path: "/v1/tenants/{tenantId}/quotas/{model}" },
  access: "admin",
  summary: "Set a tenant's limits for a model (null: unlimited; absent: unchanged)",
  tags: ["quotas"],
  input: ZSetInputSchema,
  handler: ({ ctx, input }) => {
    const { tenantId, model, ...limits } = input;
    return ctx.services.quotas.set(ctx, tenantId, model, limits);
  },
});
