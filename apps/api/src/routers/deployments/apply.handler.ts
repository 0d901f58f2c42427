import { defineProcedure } from "../../trpc/procedure.ts";
import { ZApplyInputSchema } from "./apply.schema.ts";

export const applyDeployment = defineProcedure({
  name: "deployments.deploy",
  type: "mutation",
  rest: { method: "POST", path: "/v1/deployments" },
  access: "operator",
  summary: "Server-side apply Kthena objects to one or many clusters (per-cluster results)",
  tags: ["deployments"],
  input: ZApplyInputSchema,
  handler: ({ ctx, input }) => ctx.services.deployments.apply(ctx, input),
});
