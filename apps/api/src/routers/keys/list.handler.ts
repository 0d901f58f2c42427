import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listKeys = defineProcedure({
  name: "keys.list",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/keys" },
  access: "tenant-viewer",
  summary: "API keys of a tenant (prefixes only)",
  tags: ["keys"],
  input: ZListInputSchema,
  handler: ({ ctx, input }) => ctx.services.keys.list(input.tenantId),
});
