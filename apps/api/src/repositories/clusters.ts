import type { Db, Prisma } from "./db.ts";

/** Every column except the sealed kubeconfig: what the API may show. */
export const clusterPublicFields = {
  id: true,
  name: true,
  displayName: true,
  description: true,
  apiServer: true,
  status: true,
  statusMessage: true,
  lastHealthyAt: true,
  lastCheckedAt: true,
  kubernetesVersion: true,
  tesseraVersion: true,
  region: true,
  labels: true,
  createdAt: true,
  updatedAt: true,
} as const;

export function clustersRepository(db: Db) {
  return {
    create: (data: Prisma.ClusterCreateInput) =>
      db.cluster.create({ data, select: clusterPublicFields }),
    list: () => db.cluster.findMany({ select: clusterPublicFields, orderBy: { name: "asc" } }),
    find: (id: string) => db.cluster.findUnique({ where: { id }, select: clusterPublicFields }),
    findByName: (name: string) =>
      db.cluster.findUnique({ where: { name }, select: clusterPublicFields }),
    /** Only the cluster registry reads sealed kubeconfigs. */
    sealedKubeconfigs: () =>
      db.cluster.findMany({
        where: { status: { not: "DISABLED" } },
        select: {
          id: true,
          name: true,
          kubeconfigCiphertext: true,
          kubeconfigNonce: true,
          kubeconfigKeyId: true,
        },
      }),
    sealedKubeconfig: (id: string) =>
      db.cluster.findUnique({
        where: { id },
        select: {
          id: true,
          name: true,
          kubeconfigCiphertext: true,
          kubeconfigNonce: true,
          kubeconfigKeyId: true,
        },
      }),
    update: (id: string, data: Prisma.ClusterUpdateInput) =>
      db.cluster.update({ where: { id }, data, select: clusterPublicFields }),
    remove: (id: string) => db.cluster.delete({ where: { id }, select: clusterPublicFields }),
  };
}
