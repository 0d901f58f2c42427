import { defineProcedure } from "../../trpc/procedure.ts";
import { ZRoutersInputSchema, ZSyncTenantsInputSchema } from "./routers.schema.ts";

export const clusterRouters = defineProcedure({
  name: "clusters.routers",
  type: "query",
  rest: { method: "GET", path: "/v1/routers" },
  access: "operator",
  summary: "Router endpoints of each cluster (a failing cluster reports its own error)",
  tags: ["clusters"],
  input: ZRoutersInputSchema,
  handler: ({ ctx, input }) => ctx.services.clusters.routers(input.clusterIds),
});

export const syncTenants = defineProcedure({
  name: "clusters.syncTenants",
  type: "mutation",
  rest: { method: "POST", path: "/v1/clusters/sync-tenants" },
  access: "admin",
  summary: "Push every Tenant and ApiKey object to every cluster now",
  tags: ["clusters"],
  input: ZSyncTenantsInputSchema,
  handler: ({ ctx }) => ctx.services.tenantSync.syncAll(),
});
