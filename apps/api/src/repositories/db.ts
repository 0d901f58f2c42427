// The API's only door to Prisma: repositories receive this client; nothing else imports @tessera/db's
// client type.
import type { PrismaClient } from "@tessera/db";

export type Db = PrismaClient;
export type { Prisma } from "@tessera/db";

const hasPrismaCode = (e: unknown, code: string): boolean =>
  typeof e === "object" && e !== null && "code" in e && e.code === code;

/** Prisma unique-constraint violation (P2002). */
export const isUniqueViolation = (e: unknown): boolean => hasPrismaCode(e, "P2002");

/** Prisma foreign-key violation (P2003): the row names a parent that no longer exists. */
export const isForeignKeyViolation = (e: unknown): boolean => hasPrismaCode(e, "P2003");

/** BigInt columns as JSON-safe numbers (token counts stay far below 2^53). */
export const num = (v: bigint | number | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);
