// All domain services, built from the app's dependencies. Services know nothing about HTTP or tRPC.
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { PasswordHasher } from "../lib/crypto.ts";
import type { Repositories } from "../repositories/index.ts";
import { auditService } from "./audit.ts";
import { authService } from "./auth.ts";
import { clustersService } from "./clusters.ts";
import { componentsService } from "./components.ts";
import { deploymentsService } from "./deployments.ts";
import { designsService } from "./designs.ts";
import { keysService } from "./keys.ts";
import { metricsService } from "./metrics.ts";
import { placementService } from "./placement.ts";
import { pricingStore } from "./pricing.ts";
import { provisioningService } from "./provisioning.ts";
import { quotasService } from "./quotas.ts";
import { resourcesService } from "./resources.ts";
import { routingService } from "./routing.ts";
import { tenantSyncService } from "./tenant-sync.ts";
import { tenantsService } from "./tenants.ts";
import { usageService } from "./usage.ts";
import type { UsageIngestReporter } from "./usage.ts";

export interface ServiceDeps {
  repos: Repositories;
  registry: ClusterRegistry;
  tenantNamespace: string;
  clusterTimeoutMs: number;
  sessionTtlMs: number;
  hasher?: PasswordHasher;
  onBackgroundError: (e: unknown) => void;
  /** How long a component install waits for its rollout (default 5 min). */
  installRolloutTimeoutMs?: number;
  /** Where usage ingest reports events it stores with a gap (unregistered cluster). */
  usageReporter?: UsageIngestReporter;
}

export function createServices(deps: ServiceDeps) {
  const { repos, registry } = deps;
  const audit = auditService(repos);
  const tenantSync = tenantSyncService({
    repos,
    registry,
    namespace: deps.tenantNamespace,
    onError: deps.onBackgroundError,
  });
  const onChange = () => tenantSync.schedule();
  const clusters = clustersService({
    repos,
    registry,
    audit,
    timeoutMs: deps.clusterTimeoutMs,
    onRegistered: onChange,
  });
  return {
    repos,
    registry,
    audit,
    auth: authService(repos, {
      sessionTtlMs: deps.sessionTtlMs,
      ...(deps.hasher ? { hasher: deps.hasher } : {}),
    }),
    tenants: tenantsService({ repos, audit, onChange }),
    keys: keysService({ repos, audit, onChange }),
    quotas: quotasService({ repos, audit, onChange }),
    usage: usageService({
      repos,
      audit,
      pricing: pricingStore(repos),
      reporter: deps.usageReporter,
    }),
    tenantSync,
    clusters,
    deployments: deploymentsService({ repos, registry, audit }),
    designs: designsService({ repos, audit }),
    placement: placementService({ clusters }),
    resources: resourcesService({ registry, clusters, timeoutMs: deps.clusterTimeoutMs }),
    metrics: metricsService({ repos }),
    routing: routingService({ registry, clusters, timeoutMs: deps.clusterTimeoutMs }),
    provisioning: provisioningService({ repos }),
    components: componentsService({
      repos,
      registry,
      clusters,
      audit,
      onBackgroundError: deps.onBackgroundError,
      ...(deps.installRolloutTimeoutMs ? { rolloutTimeoutMs: deps.installRolloutTimeoutMs } : {}),
    }),
  };
}
export type Services = ReturnType<typeof createServices>;
