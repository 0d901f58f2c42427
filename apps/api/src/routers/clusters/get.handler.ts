import { defineProcedure } from "../../trpc/procedure.ts";
import { ZClusterInputSchema } from "./get.schema.ts";

export const getCluster = defineProcedure({
  name: "clusters.get",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}" },
  access: "operator",
  summary: "One cluster",
  tags: ["clusters"],
  input: ZClusterInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.get(input.clusterId),
});

export const checkCluster = defineProcedure({
  name: "clusters.check",
  type: "mutation",
  rest: { method: "POST", path: "/v1/clusters/{clusterId}/check" },
  access: "operator",
  summary: "Check reachability and version now",
  tags: ["clusters"],
  input: ZClusterInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.check(input.clusterId),
});

export const clusterInventory = defineProcedure({
  name: "clusters.inventory",
  type: "query",
  rest: { method: "GET", path: "/v1/clusters/{clusterId}/inventory" },
  access: "operator",
  summary: "Nodes, GPUs free and used, HyperNode tree and Volcano queues",
  tags: ["clusters"],
  input: ZClusterInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.inventory(input.clusterId),
});
