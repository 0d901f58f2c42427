import { apiKeysRepository } from "./api-keys.ts";
import { auditRepository } from "./audit.ts";
import { clustersRepository } from "./clusters.ts";
import { componentInstallsRepository } from "./component-installs.ts";
import type { Db } from "./db.ts";
import { deploymentsRepository } from "./deployments.ts";
import { designsRepository } from "./designs.ts";
import { metricsRepository } from "./metrics.ts";
import { pricingRepository } from "./pricing.ts";
import { provisioningRepository } from "./provisioning.ts";
import { quotasRepository } from "./quotas.ts";
import { tenantsRepository } from "./tenants.ts";
import { usageRepository } from "./usage.ts";
import { sessionsRepository, usersRepository } from "./users.ts";

export function createRepositories(db: Db) {
  return {
    users: usersRepository(db),
    sessions: sessionsRepository(db),
    tenants: tenantsRepository(db),
    apiKeys: apiKeysRepository(db),
    quotas: quotasRepository(db),
    pricing: pricingRepository(db),
    usage: usageRepository(db),
    metrics: metricsRepository(db),
    audit: auditRepository(db),
    clusters: clustersRepository(db),
    provisioning: provisioningRepository(db),
    componentInstalls: componentInstallsRepository(db),
    deployments: deploymentsRepository(db),
    designs: designsRepository(db),
    /** Readiness probe. */
    ping: async () => {
      await db.$queryRaw`SELECT 1`;
    },
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
