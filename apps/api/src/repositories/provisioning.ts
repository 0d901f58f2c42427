import type { Db } from "./db.ts";

export type ProvisioningPhaseName = "PENDING" | "BUILDING" | "STARTING" | "READY" | "FAILED";

export interface ProvisioningUpsert {
  name: string;
  phase: ProvisioningPhaseName;
  step: string;
  message: string | null;
  progressDone: number | null;
  progressTotal: number | null;
  clusterId: string | null;
  /** Set when a new run starts (first report, or the first report after Ready/Failed). */
  startedAt?: Date | undefined;
}

export function provisioningRepository(db: Db) {
  return {
    list: () => db.clusterProvisioning.findMany({ orderBy: { name: "asc" } }),
    find: (name: string) => db.clusterProvisioning.findUnique({ where: { name } }),
    upsert: ({ name, ...data }: ProvisioningUpsert) =>
      db.clusterProvisioning.upsert({
        where: { name },
        create: { name, ...data },
        update: data,
      }),
    remove: (name: string) => db.clusterProvisioning.deleteMany({ where: { name } }),
  };
}
