// Usage: idempotent ingest of router events, rollups by tenant/key/model/day, showback.
import { isForeignKeyViolation } from "../repositories/db.ts";
import type { Repositories } from "../repositories/index.ts";
import type { UsageEvent } from "../repositories/usage.ts";
import type { AuditService, Caller } from "./audit.ts";
import { costOf } from "./pricing.ts";
import type { Pricing, PricingStore } from "./pricing.ts";
import { RouterUsageEventSchema } from "./usage-event.ts";

export { RouterUsageEventSchema } from "./usage-event.ts";
export type { Credential, RouterUsageEvent } from "./usage-event.ts";

export function outcomeOf(statusCode: number): UsageEvent["outcome"] {
  if (statusCode < 400) return "SUCCESS";
  if (statusCode === 429) return "RATE_LIMITED";
  if (statusCode === 499) return "CANCELLED";
  return statusCode < 500 ? "CLIENT_ERROR" : "SERVER_ERROR";
}

export type GroupBy = "day" | "model" | "apiKey";

/** Where ingest reports events it stores with a gap instead of dropping them. */
export interface UsageIngestReporter {
  log: { warn(obj: object, msg: string): void };
  /** Counts events naming a cluster that is not registered (stored with no cluster). */
  unknownCluster: { inc(labels: { cluster: string }): void };
}

/**
 * How long a cluster name found unregistered stays so before it is looked up (and warned about)
 * again: a misconfigured router must cost neither a query nor a log line per event, and a cluster
 * registered later is picked up soon.
 */
const UNKNOWN_CLUSTER_RECHECK_MS = 10_000;

export function usageService(deps: {
  repos: Repositories;
  pricing: PricingStore;
  audit: AuditService;
  reporter?: UsageIngestReporter | undefined;
}) {
  const { repos, pricing, audit, reporter } = deps;
  const tenantIds = new Map<string, string>();
  const clusterIds = new Map<string, string>();
  /** Unregistered cluster names → when they were last looked up (and warned about). */
  const unknownClusters = new Map<string, number>();

  /** The cluster's id, or null (counted, and warned about once per recheck) when unregistered. */
  async function clusterIdOf(cluster: string, requestId: string): Promise<string | null> {
    const known = clusterIds.get(cluster);
    if (known !== undefined) return known;
    const checked = unknownClusters.get(cluster);
    if (checked === undefined || Date.now() - checked >= UNKNOWN_CLUSTER_RECHECK_MS) {
      const id = (await repos.clusters.findByName(cluster))?.id;
      if (id !== undefined) {
        unknownClusters.delete(cluster);
        clusterIds.set(cluster, id);
        return id;
      }
      unknownClusters.set(cluster, Date.now());
      reporter?.log.warn(
        { cluster, requestId },
        "usage event names a cluster that is not registered; storing it without a cluster",
      );
    }
    reporter?.unknownCluster.inc({ cluster });
    return null;
  }

  return {
    /** Returns "ingested" | "duplicate" | "rejected" (unknown tenant or key: logged, acked). */
    async ingest(
      raw: unknown,
    ): Promise<{ result: "ingested" | "duplicate" | "rejected"; reason?: string }> {
      const parsed = RouterUsageEventSchema.safeParse(raw);
      if (!parsed.success)
        return {
          result: "rejected",
          reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
        };
      const e = parsed.data;
      let tenantId = tenantIds.get(e.tenant);
      if (!tenantId) {
        tenantId = (await repos.tenants.findBySlug(e.tenant))?.id;
        if (!tenantId) return { result: "rejected", reason: `unknown tenant ${e.tenant}` };
        tenantIds.set(e.tenant, tenantId);
      }
      const c = e.credential;
      let caller: Pick<UsageEvent, "apiKeyId" | "subject" | "issuer">;
      if (c.type === "apiKey") {
        const key = await repos.apiKeys.find(tenantId, c.id);
        if (!key)
          return { result: "rejected", reason: `unknown key ${c.id} for tenant ${e.tenant}` };
        caller = { apiKeyId: key.id, subject: null, issuer: null };
      } else {
        // The router verified the token against its JWKS; a subject has no row of its own here.
        caller = { apiKeyId: null, subject: c.subject, issuer: c.issuer ?? null };
      }
      // Never drop usage over a cluster name: the record is stored without one (and reported).
      const clusterId = e.cluster ? await clusterIdOf(e.cluster, e.requestId) : null;
      const record: UsageEvent = {
        requestId: e.requestId,
        clientRequestId: e.clientRequestId ?? null,
        tenantId,
        ...caller,
        model: e.model,
        servedModel: e.servedModel ?? null,
        clusterId,
        modelServer: e.modelServer ?? null,
        endpoint: e.endpoint ?? null,
        inputTokens: e.inputTokens,
        cachedInputTokens: Math.min(e.cachedInputTokens, e.inputTokens),
        outputTokens: e.outputTokens,
        ttftMs: e.ttftMs ?? null,
        durationMs: e.durationMs,
        statusCode: e.statusCode,
        outcome: outcomeOf(e.statusCode),
        occurredAt: new Date(e.occurredAt),
      };
      let inserted: boolean;
      try {
        inserted = await repos.usage.ingest(record);
      } catch (err) {
        // The cached id belongs to a cluster removed since: without this the stream would retry
        // the entry forever. Look the name up again and store the record with what it finds.
        if (!e.cluster || clusterId === null || !isForeignKeyViolation(err)) throw err;
        clusterIds.delete(e.cluster);
        unknownClusters.delete(e.cluster);
        const fresh = await clusterIdOf(e.cluster, e.requestId);
        inserted = await repos.usage.ingest({ ...record, clusterId: fresh });
      }
      return { result: inserted ? "ingested" : "duplicate" };
    },

    async summary(input: {
      tenantId: string;
      from: Date;
      to: Date;
      groupBy: GroupBy[];
      apiKeyId?: string | undefined;
      subject?: string | undefined;
      model?: string | undefined;
    }) {
      // API keys' and JWT subjects' rollups live in two tables; a filter on one kind of caller
      // leaves the other out.
      const [keyRows, subjectRows, prices] = await Promise.all([
        input.subject ? [] : repos.usage.daily(input),
        input.apiKeyId ? [] : repos.usage.dailySubjects(input),
        pricing.get(),
      ]);
      const rows = [
        ...keyRows.map((r) => ({
          ...r,
          caller: {
            apiKeyId: r.apiKeyId,
            apiKeyPrefix: r.apiKey.prefix,
            subject: null,
            issuer: null,
          },
          callerKey: `key:${r.apiKeyId}`,
        })),
        ...subjectRows.map((r) => ({
          ...r,
          caller: {
            apiKeyId: null,
            apiKeyPrefix: null,
            subject: r.subject,
            issuer: r.issuer === "" ? null : r.issuer,
          },
          callerKey: `jwt:${r.issuer}\n${r.subject}`,
        })),
      ].sort((a, b) => a.day.getTime() - b.day.getTime() || a.model.localeCompare(b.model));
      const groups = new Map<
        string,
        {
          day?: string;
          model?: string;
          /** With groupBy apiKey: the key, or the JWT subject (apiKeyId null). */
          apiKeyId?: string | null;
          apiKeyPrefix?: string | null;
          subject?: string | null;
          issuer?: string | null;
          requests: number;
          errors: number;
          /** Of errors: refused by a quota or rate limit (429). */
          rateLimited: number;
          inputTokens: number;
          cachedInputTokens: number;
          outputTokens: number;
          totalTokens: number;
          durationMsSum: number;
          ttftMsSum: number;
          ttftCount: number;
          cost: number;
        }
      >();
      const totals = {
        requests: 0,
        errors: 0,
        rateLimited: 0,
        inputTokens: 0,
        cachedInputTokens: 0,
        outputTokens: 0,
        totalTokens: 0,
        cost: 0,
      };
      for (const r of rows) {
        const day = r.day.toISOString().slice(0, 10);
        const keyParts = [
          input.groupBy.includes("day") ? day : "",
          input.groupBy.includes("model") ? r.model : "",
          input.groupBy.includes("apiKey") ? r.callerKey : "",
        ];
        const k = keyParts.join("|");
        let g = groups.get(k);
        if (!g) {
          g = {
            ...(input.groupBy.includes("day") ? { day } : {}),
            ...(input.groupBy.includes("model") ? { model: r.model } : {}),
            ...(input.groupBy.includes("apiKey") ? r.caller : {}),
            requests: 0,
            errors: 0,
            rateLimited: 0,
            inputTokens: 0,
            cachedInputTokens: 0,
            outputTokens: 0,
            totalTokens: 0,
            durationMsSum: 0,
            ttftMsSum: 0,
            ttftCount: 0,
            cost: 0,
          };
          groups.set(k, g);
        }
        const amounts = {
          inputTokens: Number(r.inputTokens),
          cachedInputTokens: Number(r.cachedInputTokens),
          outputTokens: Number(r.outputTokens),
          durationMsSum: Number(r.durationMsSum),
        };
        const cost = costOf(prices, r.model, amounts);
        g.requests += Number(r.requestCount);
        g.errors += Number(r.errorCount);
        g.rateLimited += Number(r.rateLimitedCount);
        g.inputTokens += amounts.inputTokens;
        g.cachedInputTokens += amounts.cachedInputTokens;
        g.outputTokens += amounts.outputTokens;
        g.totalTokens += amounts.inputTokens + amounts.outputTokens;
        g.durationMsSum += amounts.durationMsSum;
        g.ttftMsSum += Number(r.ttftMsSum);
        g.ttftCount += Number(r.ttftCount);
        g.cost += cost;
        totals.requests += Number(r.requestCount);
        totals.errors += Number(r.errorCount);
        totals.rateLimited += Number(r.rateLimitedCount);
        totals.inputTokens += amounts.inputTokens;
        totals.cachedInputTokens += amounts.cachedInputTokens;
        totals.outputTokens += amounts.outputTokens;
        totals.totalTokens += amounts.inputTokens + amounts.outputTokens;
        totals.cost += cost;
      }
      const round = (x: number) => Math.round(x * 1e6) / 1e6;
      return {
        currency: prices.currency,
        from: input.from.toISOString().slice(0, 10),
        to: input.to.toISOString().slice(0, 10),
        rows: [...groups.values()].map(({ ttftMsSum, ttftCount, ...g }) => ({
          ...g,
          cost: round(g.cost),
          avgTtftMs: ttftCount ? Math.round(ttftMsSum / ttftCount) : null,
        })),
        totals: { ...totals, cost: round(totals.cost) },
      };
    },

    recent: async (tenantId: string, limit: number) =>
      (await repos.usage.recent(tenantId, limit)).map((r) => ({ ...r, id: Number(r.id) })),

    getPricing: () => pricing.get(),
    async setPricing(caller: Caller, next: Pricing) {
      const before = await pricing.get();
      const after = await pricing.set(next);
      await audit.record(caller, { action: "pricing.set", targetType: "Pricing", before, after });
      return after;
    },
  };
}
export type UsageService = ReturnType<typeof usageService>;
