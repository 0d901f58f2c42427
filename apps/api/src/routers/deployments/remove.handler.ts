import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRemoveInputSchema } from "./remove.schema.ts";

export const removeDeployment = defineProcedure({
  name: "deployments.remove",
  type: "mutation",
  rest: { method: "POST", path: "/v1/deployments/{namespace}/{name}/delete" },
  access: "operator",
  summary: "Delete a deployment's objects from the given clusters (needs confirm = name)",
  tags: ["deployments"],
  input: ZRemoveInputSchema,
  handler: ({ ctx, input }) => ctx.services.deployments.remove(ctx, input),
});
