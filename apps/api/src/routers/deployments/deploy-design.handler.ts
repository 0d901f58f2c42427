import { ApiError } from "../../errors.ts";
import { defineProcedure } from "../../trpc/procedure.ts";
import { ZDeployDesignInputSchema } from "./deploy-design.schema.ts";

export const deployDesign = defineProcedure({
  name: "deployments.deployDesign",
  type: "mutation",
  rest: { method: "POST", path: "/v1/topologies/{designId}/deploy" },
  access: "operator",
  summary:
    "Render a design version and apply it to clusters (the deployment is named after the design's objects)",
  tags: ["deployments", "topologies"],
  input: ZDeployDesignInputSchema,
  handler: async ({ ctx, input }) => {
    const { design } = await ctx.services.designs.get(input.designId, input.version);
    const rendered = await ctx.services.designs.render(input.designId, input.version);
    if (rendered.issues.length)
      throw new ApiError("API_ERR_VALIDATION", "design renders invalid objects", {
        issues: rendered.issues.map((i) => ({ path: `${i.object}.${i.path}`, message: i.message })),
      });
    const first = rendered.manifests[0];
    if (!first) throw new ApiError("API_ERR_VALIDATION", "design renders no objects");
    const version = (await ctx.services.repos.designs.version(design.id, rendered.version))?.id;
    return ctx.services.deployments.apply(ctx, {
      clusterIds: input.clusterIds,
      namespace: first.metadata.namespace ?? "default",
      name: first.metadata.name,
      manifests: rendered.manifests,
      force: input.force,
      designVersionId: version,
    });
  },
});
