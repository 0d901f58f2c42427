import { defineProcedure } from "../../trpc/procedure.ts";
import { ZStatusInputSchema } from "./status.schema.ts";

export const deploymentStatus = defineProcedure({
  name: "deployments.status",
  type: "query",
  rest: { method: "GET", path: "/v1/deployments/{namespace}/{name}/status" },
  access: "operator",
  summary: "Live status and events of each object, per cluster",
  tags: ["deployments"],
  input: ZStatusInputSchema,
  handler: ({ ctx, input }) => ctx.services.deployments.status(input),
});

export const deploymentDrift = defineProcedure({
  name: "deployments.drift",
  type: "query",
  rest: { method: "GET", path: "/v1/deployments/{namespace}/{name}/drift" },
  access: "operator",
  summary: "Differences between what Tessera applied and what is live, per cluster",
  tags: ["deployments"],
  input: ZStatusInputSchema,
  handler: ({ ctx, input }) => ctx.services.deployments.drift(input),
});
