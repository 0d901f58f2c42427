import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRemoveInputSchema, ZUpdateInputSchema } from "./update.schema.ts";

export const updateCluster = defineProcedure({
  name: "clusters.update",
  type: "mutation",
  rest: { method: "PATCH", path: "/v1/clusters/{clusterId}" },
  access: "admin",
  summary: "Change a cluster's labels, description, credentials or disable it",
  tags: ["clusters"],
  input: ZUpdateInputSchema,
  handler: ({ ctx, input }) => {
    const { clusterId, ...patch } = input;
    return ctx.services.clusters.update(ctx, clusterId, patch);
  },
});

export const removeCluster = defineProcedure({
  name: "clusters.remove",
  type: "mutation",
  rest: { method: "DELETE", path: "/v1/clusters/{clusterId}" },
  access: "admin",
  summary: "Forget a cluster (objects in it are left alone)",
  tags: ["clusters"],
  input: ZRemoveInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.remove(ctx, input.clusterId, input.confirm),
});
