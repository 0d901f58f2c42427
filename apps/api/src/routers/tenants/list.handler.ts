import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listTenants = defineProcedure({
  name: "tenants.list",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants" },
  access: "authed",
  summary: "Tenants the caller can see (all of them for platform admins)",
  tags: ["tenants"],
  input: ZListInputSchema,
  handler: ({ ctx }) => ctx.services.tenants.list(ctx.actor),
});
