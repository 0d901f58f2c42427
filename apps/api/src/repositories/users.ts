import type { Db } from "./db.ts";
import type { PlatformRoleName, TenantRoleName } from "../trpc/procedure.ts";

export interface UserRecord {
  id: string;
  email: string;
  displayName: string | null;
  platformRole: PlatformRoleName;
  disabledAt: Date | null;
  createdAt: Date;
}

const publicFields = {
  id: true,
  email: true,
  displayName: true,
  platformRole: true,
  disabledAt: true,
  createdAt: true,
} as const;

export function usersRepository(db: Db) {
  return {
    count: () => db.user.count(),
    create: (data: {
      email: string;
      displayName?: string | null;
      passwordHash: string | null;
      platformRole: PlatformRoleName;
    }) =>
      db.user.create({ data: { ...data, email: data.email.toLowerCase() }, select: publicFields }),
    findByEmailWithHash: (email: string) =>
      db.user.findUnique({
        where: { email: email.toLowerCase() },
        select: { ...publicFields, passwordHash: true },
      }),
    findById: (id: string) => db.user.findUnique({ where: { id }, select: publicFields }),
    list: () => db.user.findMany({ select: publicFields, orderBy: { email: "asc" } }),
    update: (
      id: string,
      data: {
        platformRole?: PlatformRoleName | undefined;
        disabledAt?: Date | null | undefined;
        displayName?: string | null | undefined;
      },
    ) => db.user.update({ where: { id }, data, select: publicFields }),
    /** Disabling a user ends their sessions at once. */
    revokeSessions: (userId: string) =>
      db.session.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: new Date() },
      }),
    touchLogin: (id: string) =>
      db.user.update({ where: { id }, data: { lastLoginAt: new Date() } }),
    memberships: async (userId: string): Promise<Map<string, TenantRoleName>> => {
      const rows = await db.tenantMembership.findMany({
        where: { userId },
        select: { tenantId: true, role: true },
      });
      return new Map(rows.map((r) => [r.tenantId, r.role]));
    },
  };
}

export function sessionsRepository(db: Db) {
  return {
    create: (data: {
      userId: string;
      tokenHash: string;
      expiresAt: Date;
      ipAddress?: string | undefined;
      userAgent?: string | undefined;
    }) => db.session.create({ data: { ...data, ipAddress: data.ipAddress?.slice(0, 45) } }),
    findActiveByHash: (tokenHash: string, now: Date) =>
      db.session.findFirst({
        where: { tokenHash, revokedAt: null, expiresAt: { gt: now } },
        include: { user: { select: { ...publicFields } } },
      }),
    revoke: (id: string) => db.session.update({ where: { id }, data: { revokedAt: new Date() } }),
  };
}
