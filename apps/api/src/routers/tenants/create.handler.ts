import { defineProcedure } from "../../trpc/procedure.ts";
import { ZCreateInputSchema } from "./create.schema.ts";

export const createTenant = defineProcedure({
  name: "tenants.create",
  type: "mutation",
  rest: { method: "POST", path: "/v1/tenants" },
  access: "admin",
  summary: "Create a tenant",
  tags: ["tenants"],
  input: ZCreateInputSchema,
  handler: ({ ctx, input }) => ctx.services.tenants.create(ctx, input),
});
