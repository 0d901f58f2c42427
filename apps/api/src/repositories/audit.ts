import type { Db, Prisma } from "./db.ts";

export interface AuditEntry {
  actorType: "USER" | "API_KEY" | "SYSTEM";
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  tenantId?: string | null;
  clusterId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

const json = (v: unknown): Prisma.InputJsonValue | undefined =>
  v === undefined || v === null
    ? undefined
    : (JSON.parse(
        JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x)),
      ) as Prisma.InputJsonValue);

export function auditRepository(db: Db) {
  return {
    append: (e: AuditEntry) =>
      db.auditLog.create({
        data: {
          ...e,
          ipAddress: e.ipAddress?.slice(0, 45) ?? null,
          before: json(e.before),
          after: json(e.after),
        },
      }),
    list: (filter: {
      tenantId?: string | undefined;
      clusterId?: string | undefined;
      action?: string | undefined;
      limit: number;
      beforeId?: number | undefined;
    }) =>
      db.auditLog.findMany({
        where: {
          ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
          ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
          ...(filter.action ? { action: { startsWith: filter.action } } : {}),
          ...(filter.beforeId ? { id: { lt: BigInt(filter.beforeId) } } : {}),
        },
        orderBy: { id: "desc" },
        take: filter.limit,
      }),
  };
}
