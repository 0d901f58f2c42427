import type { Db } from "./db.ts";

// keyHash is deliberately absent: it never leaves the repository except toward cluster objects.
const listFields = {
  id: true,
  tenantId: true,
  name: true,
  prefix: true,
  allowedModels: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdAt: true,
} as const;

export function apiKeysRepository(db: Db) {
  return {
    create: (data: {
      tenantId: string;
      name: string;
      prefix: string;
      keyHash: string;
      allowedModels: string[];
      expiresAt: Date | null;
      createdById: string | null;
    }) => db.apiKey.create({ data, select: listFields }),
    list: (tenantId: string) =>
      db.apiKey.findMany({
        where: { tenantId },
        select: listFields,
        orderBy: { createdAt: "desc" },
      }),
    /** Scoped by tenant: a key of another tenant is "not found". */
    find: (tenantId: string, id: string) =>
      db.apiKey.findFirst({ where: { id, tenantId }, select: listFields }),
    revoke: (id: string, byUserId: string | null) =>
      db.apiKey.update({
        where: { id },
        data: { revokedAt: new Date(), revokedById: byUserId },
        select: listFields,
      }),
    findByHash: (keyHash: string) =>
      db.apiKey.findUnique({
        where: { keyHash },
        select: { ...listFields, tenant: { select: { status: true } } },
      }),
    /** For cluster sync: every key with its hash. */
    allForSync: () =>
      db.apiKey.findMany({
        select: { ...listFields, keyHash: true, tenant: { select: { slug: true, status: true } } },
      }),
    touch: (id: string) => db.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } }),
  };
}
