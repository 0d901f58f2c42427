import { defineProcedure } from "../../trpc/procedure.ts";
import { ZCreateInputSchema } from "./create.schema.ts";

export const createKey = defineProcedure({
  name: "keys.create",
  type: "mutation",
  rest: { method: "POST", path: "/v1/tenants/{tenantId}/keys" },
  access: "tenant-admin",
  summary: "Create an API key; `secret` is shown only in this response",
  tags: ["keys"],
  input: ZCreateInputSchema,
  handler: ({ ctx, input }) => ctx.services.keys.create(ctx, input),
});
