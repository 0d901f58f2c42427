// The API's tRPC router and the flat list of procedure definitions REST and OpenAPI are built from.
// The console imports only `type AppRouter` (package export "./trpc").
import { auditProcedures, auditRouter } from "../routers/audit/_router.ts";
import { authProcedures, authRouter } from "../routers/auth/_router.ts";
import { clustersProcedures, clustersRouter } from "../routers/clusters/_router.ts";
import { componentsProcedures, componentsRouter } from "../routers/components/_router.ts";
import { deploymentsProcedures, deploymentsRouter } from "../routers/deployments/_router.ts";
import { keysProcedures, keysRouter } from "../routers/keys/_router.ts";
import { metricsProcedures, metricsRouter } from "../routers/metrics/_router.ts";
import { placementProcedures, placementRouter } from "../routers/placement/_router.ts";
import { quotasProcedures, quotasRouter } from "../routers/quotas/_router.ts";
import { resourcesProcedures, resourcesRouter } from "../routers/resources/_router.ts";
import { routingProcedures, routingRouter } from "../routers/routing/_router.ts";
import { tenantsProcedures, tenantsRouter } from "../routers/tenants/_router.ts";
import { topologiesProcedures, topologiesRouter } from "../routers/topologies/_router.ts";
import { usageProcedures, usageRouter } from "../routers/usage/_router.ts";
import { router } from "./init.ts";
import type { ProcedureDef } from "./procedure.ts";

export const appRouter = router({
  auth: authRouter,
  tenants: tenantsRouter,
  keys: keysRouter,
  quotas: quotasRouter,
  usage: usageRouter,
  audit: auditRouter,
  clusters: clustersRouter,
  deployments: deploymentsRouter,
  topologies: topologiesRouter,
  placement: placementRouter,
  resources: resourcesRouter,
  metrics: metricsRouter,
  routing: routingRouter,
  components: componentsRouter,
});

export type AppRouter = typeof appRouter;

export const allProcedures: readonly ProcedureDef[] = [
  ...authProcedures,
  ...tenantsProcedures,
  ...keysProcedures,
  ...quotasProcedures,
  ...usageProcedures,
  ...auditProcedures,
  ...clustersProcedures,
  ...deploymentsProcedures,
  ...topologiesProcedures,
  ...placementProcedures,
  ...resourcesProcedures,
  ...metricsProcedures,
  ...routingProcedures,
  ...componentsProcedures,
] as readonly ProcedureDef[];
