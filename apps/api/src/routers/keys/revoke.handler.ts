import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRevokeInputSchema } from "./revoke.schema.ts";

export const revokeKey = defineProcedure({
  name: "keys.revoke",
  type: "mutation",
  rest: { method: "POST", path: "/v1/tenants/{tenantId}/keys/{keyId}/revoke" },
  access: "tenant-admin",
  summary: "Revoke an API key (pushed to every cluster's routers)",
  tags: ["keys"],
  input: ZRevokeInputSchema,
  handler: ({ ctx, input }) => ctx.services.keys.revoke(ctx, input.tenantId, input.keyId),
});
