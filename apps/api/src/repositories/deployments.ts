import type { Db, Prisma } from "./db.ts";

export function deploymentsRepository(db: Db) {
  return {
    find: (clusterId: string, namespace: string, name: string) =>
      db.deployment.findUnique({
        where: { clusterId_namespace_name: { clusterId, namespace, name } },
        include: { cluster: { select: { name: true } } },
      }),
    findById: (id: string) => db.deployment.findUnique({ where: { id } }),
    upsert: (
      key: { clusterId: string; namespace: string; name: string },
      data: Omit<Prisma.DeploymentUncheckedCreateInput, "clusterId" | "namespace" | "name">,
    ) =>
      db.deployment.upsert({
        where: { clusterId_namespace_name: key },
        create: { ...key, ...data },
        update: { ...data, revision: { increment: 1 }, deletedAt: null },
      }),
    update: (id: string, data: Prisma.DeploymentUncheckedUpdateInput) =>
      db.deployment.update({ where: { id }, data }),
    list: (filter: {
      clusterId?: string | undefined;
      name?: string | undefined;
      includeDeleted: boolean;
    }) =>
      db.deployment.findMany({
        where: {
          ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
          ...(filter.name ? { name: filter.name } : {}),
          ...(filter.includeDeleted ? {} : { deletedAt: null }),
        },
        include: { cluster: { select: { name: true } } },
        orderBy: [{ name: "asc" }],
      }),
  };
}
