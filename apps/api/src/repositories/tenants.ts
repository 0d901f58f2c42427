import type { Db, Prisma } from "./db.ts";
import type { TenantRoleName } from "../trpc/procedure.ts";

export function tenantsRepository(db: Db) {
  return {
    create: (data: Prisma.TenantCreateInput) => db.tenant.create({ data }),
    findById: (id: string) => db.tenant.findUnique({ where: { id } }),
    findBySlug: (slug: string) => db.tenant.findUnique({ where: { slug } }),
    list: (filter: { ids?: string[] | undefined }) =>
      db.tenant.findMany({
        where: filter.ids ? { id: { in: filter.ids } } : {},
        orderBy: { slug: "asc" },
      }),
    listActive: () =>
      db.tenant.findMany({ where: { status: { not: "ARCHIVED" } }, include: { quotas: true } }),
    update: (id: string, data: Prisma.TenantUpdateInput) =>
      db.tenant.update({ where: { id }, data }),
    withQuotas: (id: string) => db.tenant.findUnique({ where: { id }, include: { quotas: true } }),
    listMembers: (tenantId: string) =>
      db.tenantMembership.findMany({
        where: { tenantId },
        include: { user: { select: { id: true, email: true, displayName: true } } },
        orderBy: { createdAt: "asc" },
      }),
    upsertMember: (tenantId: string, userId: string, role: TenantRoleName) =>
      db.tenantMembership.upsert({
        where: { tenantId_userId: { tenantId, userId } },
        create: { tenantId, userId, role },
        update: { role },
      }),
    removeMember: (tenantId: string, userId: string) =>
      db.tenantMembership.deleteMany({ where: { tenantId, userId } }),
  };
}
