import { defineProcedure } from "../../trpc/procedure.ts";
import { ZSummaryInputSchema } from "./summary.schema.ts";

export const usageSummary = defineProcedure({
  name: "usage.summary",
  type: "query",
  rest: { method: "GET", path: "/v1/tenants/{tenantId}/usage" },
  access: "tenant-viewer",
  summary: "Usage rolled up by day, model and/or key, with showback cost",
  tags: ["usage"],
  input: ZSummaryInputSchema,
  handler: ({ ctx, input }) =>
    ctx.services.usage.summary({
      ...input,
      from: new Date(`${input.from}T00:00:00Z`),
      to: new Date(`${input.to}T00:00:00Z`),
    }),
});
