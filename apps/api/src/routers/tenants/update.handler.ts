import { defineProcedure } from "../../trpc/procedure.ts";
import { ZUpdateInputSchema } from "./update.schema.ts";

export const updateTenant = defineProcedure({
  name: "tenants.update",
  type: "mutation",
  rest: { method: "PATCH", path: "/v1/tenants/{tenantId}" },
  access: "admin",
  summary: "Change a tenant (suspending it makes routers reject its keys)",
  tags: ["tenants"],
  input: ZUpdateInputSchema,
  handler: ({ ctx, input }) => {
    const { tenantId, ...patch } = input;
    return ctx.services.tenants.update(ctx, tenantId, patch);
  },
});
