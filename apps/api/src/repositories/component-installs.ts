import type { Db, Prisma } from "./db.ts";

export type InstallRow = Prisma.ComponentInstallGetPayload<object>;

export function componentInstallsRepository(db: Db) {
  return {
    /**
     * Creates a RUNNING install unless the cluster already has one whose heartbeat is newer than
     * `staleBefore` (that one is returned as `running`). The cluster row is locked for the check, so
     * two API replicas cannot both start one. A RUNNING row with an old heartbeat was interrupted
     * (its API process went away) and is closed as FAILED first.
     */
    startIfIdle: (
      data: {
        clusterId: string;
        namespace: string;
        values: Prisma.InputJsonValue;
        version: string;
        startedById: string | null;
      },
      staleBefore: Date,
    ) =>
      db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM clusters WHERE id = ${data.clusterId}::uuid FOR UPDATE`;
        const running = await tx.componentInstall.findFirst({
          where: { clusterId: data.clusterId, state: "RUNNING" },
          orderBy: { startedAt: "desc" },
        });
        if (running && running.heartbeatAt >= staleBefore) return { running, started: undefined };
        await tx.componentInstall.updateMany({
          where: { clusterId: data.clusterId, state: "RUNNING" },
          data: {
            state: "FAILED",
            error: "interrupted: the API stopped reporting progress (restarted?)",
            finishedAt: new Date(),
          },
        });
        return { running: undefined, started: await tx.componentInstall.create({ data }) };
      }),
    /** Appends a progress message; also the heartbeat. */
    message: (id: string, message: string) =>
      db.componentInstall.update({
        where: { id },
        data: { messages: { push: message }, heartbeatAt: new Date() },
      }),
    heartbeat: (id: string) =>
      db.componentInstall.update({ where: { id }, data: { heartbeatAt: new Date() } }),
    finish: (
      id: string,
      data: {
        state: "SUCCEEDED" | "FAILED";
        applied: string[];
        pruned: string[];
        skipped: string[];
        error: string | null;
      },
    ) =>
      db.componentInstall.update({
        where: { id },
        data: { ...data, finishedAt: new Date(), heartbeatAt: new Date() },
      }),
    latest: (clusterId: string) =>
      db.componentInstall.findFirst({ where: { clusterId }, orderBy: { startedAt: "desc" } }),
    /** Closes a RUNNING row whose heartbeat stopped (see startIfIdle). */
    closeStale: (id: string, staleBefore: Date) =>
      db.componentInstall.updateMany({
        where: { id, state: "RUNNING", heartbeatAt: { lt: staleBefore } },
        data: {
          state: "FAILED",
          error: "interrupted: the API stopped reporting progress (restarted?)",
          finishedAt: new Date(),
        },
      }),
  };
}
