import { defineProcedure } from "../../trpc/procedure.ts";
import { ZTenantInputSchema } from "./tenant.schema.ts";

export const tenantAudit = defineProcedure({
  name: "audit.tenant",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/audit" },
  access: "tenant-admin",
  summary: "Audit log entries of one tenant",
  tags: ["audit"],
  input: ZTenantInputSchema,
  handler: ({ ctx, input }) => ctx.services.audit.list(input),
});
