import { defineProcedure } from "../../trpc/procedure.ts";
import { ZGetInputSchema } from "./get.schema.ts";

export const getKey = defineProcedure({
  name: "keys.get",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/keys/{keyId}" },
  access: "tenant-viewer",
  summary: "One API key (prefix only)",
  tags: ["keys"],
  input: ZGetInputSchema,
  handler: ({ ctx, input }) => ctx.services.keys.get(input.tenantId, input.keyId),
});
