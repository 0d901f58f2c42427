import { defineProcedure } from "../../trpc/procedure.ts";
import { ZEndpointsInputSchema } from "./endpoints.schema.ts";

export const routingEndpoints = defineProcedure({
  name: "routing.endpoints",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}/routing/endpoints" },
  access: "operator",
  summary:
    "Endpoints as each router sees them (engine load, KV-cache use, TTFT, in-flight, metrics age); an unreachable router is reported in routers",
  tags: ["routing"],
  input: ZEndpointsInputSchema,
  handler: ({ ctx, input }) => ctx.services.routing.endpoints(input),
});
