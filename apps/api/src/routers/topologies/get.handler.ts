import { defineProcedure } from "../../trpc/procedure.ts";
import { ZGetInputSchema, ZListInputSchema } from "./get.schema.ts";

export const listDesigns = defineProcedure({
  name: "topologies.list",
  type: "query",
  rest: { method: "GET", path: "/v1/topologies" },
  access: "operator",
  summary: "Saved topology designs",
  tags: ["topologies"],
  input: ZListInputSchema,
  handler: ({ ctx }) => ctx.services.designs.list(),
});

export const getDesign = defineProcedure({
  name: "topologies.get",
  type: "query",
  rest: { method: "GET", path: "/v1/topologies/{designId}" },
  access: "operator",
  summary: "A design version with the list of versions",
  tags: ["topologies"],
  input: ZGetInputSchema,
  handler: ({ ctx, input }) => ctx.services.designs.get(input.designId, input.version),
});

export const renderDesign = defineProcedure({
  name: "topologies.render",
  type: "query",
  rest: { method: "GET", path: "/v1/topologies/{designId}/render" },
  access: "operator",
  summary:
    "Kthena objects (ModelServing, ModelServer, ModelRoute, AutoscalingPolicy) of a design version",
  tags: ["topologies"],
  input: ZGetInputSchema,
  handler: ({ ctx, input }) => ctx.services.designs.render(input.designId, input.version),
});
