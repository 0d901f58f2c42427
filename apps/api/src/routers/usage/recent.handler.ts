import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRecentInputSchema } from "./recent.schema.ts";

export const recentUsage = defineProcedure({
  name: "usage.recent",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/usage/requests" },
  access: "tenant-viewer",
  summary:
    "The tenant's most recent requests as reported by routers: caller (apiKeyId or JWT subject), requested and served model",
  tags: ["usage"],
  input: ZRecentInputSchema,
  handler: ({ ctx, input }) => ctx.services.usage.recent(input.tenantId, input.limit),
});
