import { defineProcedure } from "../../trpc/procedure.ts";
import { ZServingInputSchema } from "./serving.schema.ts";

export const servingMetrics = defineProcedure({
  name: "metrics.serving",
  type: "query",
  rest: { method: "GET", path: "/v1/metrics/serving" },
  // Operators see every tenant, tenant admins their own tenants (checked by the service).
  access: "user",
  summary:
    "Requests/s, TTFT p50/p95 and output tokens/s over time, from metered (tenant) traffic; operators see all tenants, tenant admins their own",
  tags: ["metrics"],
  input: ZServingInputSchema,
  handler: ({ ctx, input }) => ctx.services.metrics.serving(ctx.actor, input),
});
