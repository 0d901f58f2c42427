// Progress of clusters a launcher (`npm start`) brings up in the background: the launcher reports
// each step (clusters.reportProvisioning, upsert by name) and the console shows the list. Stored in
// PostgreSQL so an API restart does not lose it while the launcher keeps going. Progress reports are
// not audit-logged (several per second while a binary builds); the registration that follows is.
import type { Repositories } from "../repositories/index.ts";
import type { ProvisioningPhaseName } from "../repositories/provisioning.ts";

export const PROVISIONING_PHASES = ["Pending", "Building", "Starting", "Ready", "Failed"] as const;
export type ProvisioningPhase = (typeof PROVISIONING_PHASES)[number];

export interface ProvisioningEntry {
  name: string;
  phase: ProvisioningPhase;
  step: string;
  message: string | null;
  progress?: { done: number; total: number };
  startedAt: string;
  updatedAt: string;
  clusterId?: string;
}

export interface ProvisioningReport {
  name: string;
  phase: ProvisioningPhase;
  step: string;
  message?: string | null | undefined;
  progress?: { done: number; total: number } | null | undefined;
  clusterId?: string | null | undefined;
}

const toDb = (p: ProvisioningPhase) => p.toUpperCase() as ProvisioningPhaseName;
const fromDb = (p: ProvisioningPhaseName) =>
  (p.charAt(0) + p.slice(1).toLowerCase()) as ProvisioningPhase;
const terminal = (p: ProvisioningPhaseName) => p === "READY" || p === "FAILED";

type Row = Awaited<ReturnType<Repositories["provisioning"]["list"]>>[number];

function toEntry(r: Row): ProvisioningEntry {
  return {
    name: r.name,
    phase: fromDb(r.phase),
    step: r.step,
    message: r.message,
    ...(r.progressDone !== null && r.progressTotal !== null
      ? { progress: { done: r.progressDone, total: r.progressTotal } }
      : {}),
    startedAt: r.startedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    ...(r.clusterId ? { clusterId: r.clusterId } : {}),
  };
}

export function provisioningService(deps: { repos: Repositories }) {
  const { repos } = deps;
  return {
    list: async (): Promise<ProvisioningEntry[]> => (await repos.provisioning.list()).map(toEntry),

    async report(input: ProvisioningReport): Promise<ProvisioningEntry> {
      const before = await repos.provisioning.find(input.name);
      // The cluster is linked by name once it is registered, unless the launcher names it.
      const clusterId =
        input.clusterId ??
        (await repos.clusters.findByName(input.name))?.id ??
        before?.clusterId ??
        null;
      const phase = toDb(input.phase);
      const newRun = !before || (terminal(before.phase) && !terminal(phase));
      const row = await repos.provisioning.upsert({
        name: input.name,
        phase,
        step: input.step,
        message: input.message ?? null,
        progressDone: input.progress?.done ?? null,
        progressTotal: input.progress?.total ?? null,
        clusterId,
        ...(newRun ? { startedAt: new Date() } : {}),
      });
      return toEntry(row);
    },
  };
}
export type ProvisioningService = ReturnType<typeof provisioningService>;
