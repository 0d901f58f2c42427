import { defineProcedure } from "../../trpc/procedure.ts";
import { ZSaveInputSchema } from "./save.schema.ts";

export const saveDesign = defineProcedure({
  name: "topologies.save",
  type: "mutation",
  rest: { method: "POST", path: "/v1/topologies" },
  access: "operator",
  summary: "Save a new version of an xPyD design (an unchanged spec is a no-op)",
  tags: ["topologies"],
  input: ZSaveInputSchema,
  handler: ({ ctx, input }) => ctx.services.designs.save(ctx, input),
});
