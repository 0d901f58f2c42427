import type { Db } from "./db.ts";

export interface UsageEvent {
  /** The router's id for the request: the idempotency key. */
  requestId: string;
  /** The client's x-request-id, for correlation only. */
  clientRequestId: string | null;
  tenantId: string;
  /** The caller: an API key, or (apiKeyId null) a JWT subject. */
  apiKeyId: string | null;
  subject: string | null;
  issuer: string | null;
  model: string;
  servedModel: string | null;
  clusterId: string | null;
  modelServer?: string | null | undefined;
  endpoint?: string | null | undefined;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  ttftMs?: number | null | undefined;
  durationMs: number;
  statusCode: number;
  outcome: "SUCCESS" | "CLIENT_ERROR" | "RATE_LIMITED" | "SERVER_ERROR" | "CANCELLED";
  occurredAt: Date;
}

export interface DailyFilter {
  tenantId: string;
  from: Date;
  to: Date;
  apiKeyId?: string | undefined;
  subject?: string | undefined;
  model?: string | undefined;
}

const utcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

export function usageRepository(db: Db) {
  return {
    /**
     * Records one request and adds it to its daily rollup, in one transaction. A request id seen
     * before is a no-op (the stream is at-least-once), so the rollup never counts twice.
     */
    async ingest(e: UsageEvent): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const inserted = await tx.usageRecord.createMany({ data: [e], skipDuplicates: true });
        if (inserted.count === 0) return false;
        const isError = e.outcome !== "SUCCESS";
        const inc = {
          requestCount: 1n,
          errorCount: isError ? 1n : 0n,
          rateLimitedCount: e.outcome === "RATE_LIMITED" ? 1n : 0n,
          inputTokens: BigInt(e.inputTokens),
          cachedInputTokens: BigInt(e.cachedInputTokens),
          outputTokens: BigInt(e.outputTokens),
          ttftMsSum: BigInt(e.ttftMs ?? 0),
          ttftCount: e.ttftMs === null || e.ttftMs === undefined ? 0n : 1n,
          durationMsSum: BigInt(e.durationMs),
        };
        const day = utcDay(e.occurredAt);
        const update = Object.fromEntries(
          Object.entries(inc).map(([k, v]) => [k, { increment: v }]),
        );
        if (e.apiKeyId !== null) {
          const group = { tenantId: e.tenantId, apiKeyId: e.apiKeyId, model: e.model, day };
          await tx.usageDaily.upsert({
            where: { tenantId_apiKeyId_model_day: group },
            create: { ...group, ...inc },
            update,
          });
        } else if (e.subject !== null) {
          const group = {
            tenantId: e.tenantId,
            issuer: e.issuer ?? "",
            subject: e.subject,
            model: e.model,
            day,
          };
          await tx.usageDailySubject.upsert({
            where: { tenantId_issuer_subject_model_day: group },
            create: { ...group, ...inc },
            update,
          });
        } else throw new Error(`usage event ${e.requestId} names no caller`);
        return true;
      });
    },
    daily: (filter: DailyFilter) =>
      db.usageDaily.findMany({
        where: {
          tenantId: filter.tenantId,
          day: { gte: utcDay(filter.from), lte: utcDay(filter.to) },
          ...(filter.apiKeyId ? { apiKeyId: filter.apiKeyId } : {}),
          ...(filter.model ? { model: filter.model } : {}),
        },
        include: { apiKey: { select: { prefix: true, name: true } } },
        orderBy: [{ day: "asc" }, { model: "asc" }],
      }),
    /** The JWT callers' rollup (usage_daily_subjects), filtered like `daily`. */
    dailySubjects: (filter: DailyFilter) =>
      db.usageDailySubject.findMany({
        where: {
          tenantId: filter.tenantId,
          day: { gte: utcDay(filter.from), lte: utcDay(filter.to) },
          ...(filter.subject ? { subject: filter.subject } : {}),
          ...(filter.model ? { model: filter.model } : {}),
        },
        orderBy: [{ day: "asc" }, { model: "asc" }],
      }),
    recent: (tenantId: string, limit: number) =>
      db.usageRecord.findMany({
        where: { tenantId },
        orderBy: { occurredAt: "desc" },
        take: limit,
      }),
  };
}
