// Tenancy: authentication (API keys, JWT), tenant quotas and Kthena's ModelRoute.spec.rateLimit
// (reserve-then-settle), fair queueing, and usage records — plugged into the router's admission
// seam (an Admitter that returns an Admission) and usage seam (a UsageHook).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { Counter, Histogram } from "prom-client";
import type { Registry } from "prom-client";
import { promptTokenCache } from "../util/prompt-tokens.ts";
import type {
  Admission,
  AdmissionDenial,
  AdmissionInput,
  AdmissionUsage,
  Admitter,
  Credential,
  UsageHook,
  UsageRecord,
} from "../framework/request-control.ts";
import type { ObjectSnapshot } from "../sources/objects.ts";
import { ApiKeyIndex, bearerToken } from "./auth/api-keys.ts";
import type { TenantEntry } from "./auth/api-keys.ts";
import { JwtVerifier, looksLikeJwt } from "./auth/jwt.ts";
import type { JwtOptions } from "./auth/jwt.ts";
import { FairQueue, QueueTimeoutError } from "./fairness/queue.ts";
import type { Ticket } from "./fairness/queue.ts";
import { Limiter } from "./quota/limiter.ts";
import type { Decision, FailMode, PlannedOp, Reservation, TokenUsage } from "./quota/limiter.ts";
import { quotaFor, routePlan, tenantPlan } from "./quota/plan.ts";
import type { RateLimitLike } from "./quota/plan.ts";
import { RedisStore } from "./quota/redis-store.ts";
import { MemoryStore } from "./quota/store.ts";
import type { QuotaStore } from "./quota/store.ts";
import { UsageStreamWriter } from "./usage/writer.ts";

export interface FailModes {
  /** Per-minute token and request limits (default "local"). */
  minute?: FailMode;
  /** Per-day and per-month limits (default "open"). */
  calendar?: FailMode;
  /** Concurrent-request limits (default "local"). */
  concurrency?: FailMode;
}

export interface TenancyOptions {
  /** Require a credential on /v1 inference requests (default: true when tenancy is on). */
  auth?: boolean;
  jwt?: JwtOptions;
  /** Shared quota store; absent: a per-process memory store. */
  redisUrl?: string;
  failModes?: FailModes;
  /** Output tokens reserved at admission when max_tokens is absent or larger (default 768). */
  outputReserve?: number;
  /** Lease of a concurrency slot (crash safety); default 10 min. */
  leaseMs?: number;
  /** Prompt token count: the engine tokenizer (default) or chars/4. */
  tokenCount?: "tokenizer" | "estimate";
  /** Fair queue per model: capacity (in-flight per model) and wait bound. Absent: no queue. */
  fairness?: { capacity: number; timeoutMs: number; windowMs?: number };
  priorityClasses?: Record<string, number>;
  /** Usage stream: Redis URL (default redisUrl), stream key, spool file. */
  usage?: { redisUrl?: string; stream?: string; spoolPath?: string; cluster?: string };
  /** Clock (tests). */
  now?: () => number;
}

const DEFAULT_PRIORITY: Record<string, number> = {
  critical: 3,
  high: 2,
  standard: 1,
  low: 0,
  batch: -1,
};

interface Identity {
  readonly tenant: TenantEntry | null;
  readonly tenantName: string;
  /** Caller id for logs and metrics: the key id, or "jwt:<sub>". */
  readonly keyId: string;
  readonly credential: Credential;
}

function deny(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): AdmissionDenial {
  return headers === undefined ? { status, code, message } : { status, code, message, headers };
}

/** A refusal of an identified caller: it carries the caller so the request is still metered. */
function refuse(who: Identity | null, denial: AdmissionDenial): AdmissionDenial {
  if (who === null) return denial;
  return {
    ...denial,
    caller: { tenant: who.tenantName, apiKey: who.keyId, credential: who.credential },
  };
}

export class Tenancy {
  readonly admitter: Admitter;
  readonly usageHook: UsageHook;
  readonly opts: TenancyOptions;
  readonly limiter: Limiter;
  readonly queue: FairQueue | null;
  readonly usage: UsageStreamWriter | null;
  readonly metrics: ReturnType<typeof tenancyMetrics>;
  index: ApiKeyIndex = new ApiKeyIndex([], []);
  #rateLimits = new Map<string, RateLimitLike & { global?: { redis: { address: string } } }>();
  readonly #local = new MemoryStore();
  readonly #globals = new Map<string, Limiter>();
  readonly #localRoute: Limiter;
  readonly #jwt: JwtVerifier | null;
  readonly #now: () => number;
  readonly #redisClients: Redis[] = [];

  constructor(opts: TenancyOptions, registry: Registry) {
    this.opts = opts;
    this.#now = opts.now ?? Date.now;
    this.metrics = tenancyMetrics(registry);
    const onStoreError = (store: string, _err: unknown, mode: string) =>
      this.metrics.storeErrors.inc({ store, mode });
    const fm = opts.failModes ?? {};
    const store: QuotaStore =
      opts.redisUrl !== undefined ? new RedisStore(opts.redisUrl) : new MemoryStore();
    this.limiter = new Limiter(
      store,
      (p: PlannedOp) =>
        p.op.type === "q"
          ? (fm.concurrency ?? "local")
          : p.op.type === "c"
            ? (fm.calendar ?? "open")
            : (fm.minute ?? "local"),
      { onStoreError },
    );
    this.#localRoute = new Limiter(this.#local, "local", { onStoreError }, this.#local);
    this.#jwt = opts.jwt !== undefined ? new JwtVerifier(opts.jwt) : null;
    this.queue =
      opts.fairness !== undefined ? new FairQueue({ ...opts.fairness, now: this.#now }) : null;
    const usageUrl = opts.usage?.redisUrl ?? opts.redisUrl;
    let usageRedis: Redis | null = null;
    if (usageUrl !== undefined) {
      usageRedis = new Redis(usageUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      usageRedis.on("error", () => {});
      this.#redisClients.push(usageRedis);
    }
    this.usage =
      usageRedis !== null || opts.usage?.spoolPath !== undefined
        ? new UsageStreamWriter({
            redis: usageRedis,
            stream: opts.usage?.stream,
            spoolPath: opts.usage?.spoolPath ?? join(tmpdir(), "tessera-usage.spool"),
            onSpooled: (n) => this.metrics.usageSpooled.inc(n),
          })
        : null;
    void this.usage?.start().catch(() => {});
    this.admitter = { name: "tenancy", admit: (i) => this.admit(i) };
    this.usageHook = { name: "tenancy-usage", onUsage: (r) => this.#onUsage(r) };
  }

  /** New Tenant/ApiKey/ModelRoute objects (file reload or informer event). */
  applySnapshot(s: ObjectSnapshot): void {
    if (s.tenants !== undefined || s.apiKeys !== undefined)
      this.index = new ApiKeyIndex(s.tenants ?? [], s.apiKeys ?? []);
    const rl = new Map<string, RateLimitLike & { global?: { redis: { address: string } } }>();
    for (const r of s.modelRoutes) {
      const lim = r.spec.rateLimit;
      const name = r.spec.modelName;
      if (lim !== undefined && name !== undefined && !rl.has(name)) rl.set(name, lim);
    }
    this.#rateLimits = rl;
  }

  get authRequired(): boolean {
    return this.opts.auth ?? true;
  }

  async #identify(input: AdmissionInput, now: number): Promise<Identity | AdmissionDenial | null> {
    const token = bearerToken(input.headers.authorization);
    if (token === null && !this.authRequired) return null;
    if (token !== null && this.#jwt !== null && looksLikeJwt(token)) {
      const id = await this.#jwt.verify(token);
      if (id === null)
        return deny(401, "invalid_api_key", "invalid or expired JWT (or no tenant claim or sub)");
      if (id.models !== null && id.models.length > 0 && !id.models.includes(input.model))
        return deny(403, "permission_denied", `token may not call model "${input.model}"`);
      const t = this.index.tenants.get(id.tenant) ?? null;
      if (t?.suspended === true) return deny(403, "permission_denied", "tenant is suspended");
      const credential: Credential =
        id.issuer === null
          ? { type: "jwt", subject: id.subject }
          : { type: "jwt", subject: id.subject, issuer: id.issuer };
      return { tenant: t, tenantName: id.tenant, keyId: `jwt:${id.subject}`, credential };
    }
    const r = this.index.authenticate(token, input.model, now);
    if (!r.ok) {
      if (!this.authRequired && token === null) return null;
      return deny(r.status, r.code, r.message);
    }
    return {
      tenant: r.tenant,
      tenantName: r.tenant.name,
      keyId: r.key.id,
      credential: { type: "apiKey", id: r.key.id },
    };
  }

  async admit(input: AdmissionInput): Promise<Admission | AdmissionDenial | null> {
    const now = this.#now();
    const who = await this.#identify(input, now);
    if (who !== null && "status" in who) {
      this.metrics.denied.inc({ tenant: "", reason: who.code });
      return who;
    }
    const tenant = who?.tenant ?? null;
    const quota = tenant !== null ? quotaFor(tenant.quotas, input.model) : null;
    const rl = this.#rateLimits.get(input.model);
    if (who === null && rl === undefined && this.queue === null) return null;

    const inputTokens =
      quota !== null || rl !== undefined
        ? this.opts.tokenCount === "estimate"
          ? input.estimatedInputTokens
          : promptTokenCache.count(input.promptText())
        : 0;
    const mt = input.body.max_completion_tokens ?? input.body.max_tokens;
    const outCap = this.opts.outputReserve ?? 768;
    const outRes = typeof mt === "number" && mt >= 0 ? Math.min(Math.floor(mt), outCap) : outCap;
    const reserve: TokenUsage = { input: inputTokens, output: outRes };

    const held: Reservation[] = [];
    const fail = (d: Decision & { ok: false }, scope: string): AdmissionDenial => {
      for (const h of held) void h.release();
      this.metrics.denied.inc({ tenant: who?.tenantName ?? "", reason: d.label });
      if (d.reason === "store_unavailable")
        return refuse(
          who,
          deny(503, "quota_unavailable", `quota store unavailable (${d.label} fails closed)`, {
            "retry-after": "1",
          }),
        );
      const secs = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
      const kind =
        d.label.startsWith("requests") || d.label.startsWith("concurrent") ? "requests" : "tokens";
      const remaining = d.result?.remaining[d.result.denied] ?? 0;
      return refuse(
        who,
        deny(
          429,
          "rate_limit_exceeded",
          `${scope} limit ${d.label} (${d.limit}) reached; retry in ${secs}s`,
          {
            "retry-after": String(secs),
            [`x-ratelimit-limit-${kind}`]: String(d.limit),
            [`x-ratelimit-remaining-${kind}`]: String(Math.max(0, remaining)),
            [`x-ratelimit-reset-${kind}`]: `${secs}s`,
            "x-ratelimit-scope": d.label,
          },
        ),
      );
    };

    if (rl !== undefined) {
      const plan = routePlan(input.model, rl, now, reserve);
      const lim =
        rl.global !== undefined ? this.#globalLimiter(rl.global.redis.address) : this.#localRoute;
      const d = await lim.reserve(now, plan, reserve);
      if (!d.ok) return fail(d, "model");
      held.push(d.reservation);
    }
    if (quota !== null && who !== null) {
      const t0 = performance.now();
      const plan = tenantPlan(
        who.tenantName,
        quota,
        now,
        reserve,
        input.requestId,
        this.opts.leaseMs ?? 600_000,
      );
      const d = await this.limiter.reserve(now, plan, reserve);
      this.metrics.checkSeconds.observe((performance.now() - t0) / 1000);
      if (!d.ok) return fail(d, "tenant");
      held.push(d.reservation);
    }

    let ticket: Ticket | null = null;
    if (this.queue !== null) {
      const pc = tenant?.priorityClass ?? null;
      const prio = pc === null ? 1 : ((this.opts.priorityClasses ?? DEFAULT_PRIORITY)[pc] ?? 1);
      try {
        ticket = await this.queue.acquire(
          input.model,
          who?.tenantName ?? "",
          tenant?.weight ?? 1,
          prio,
          input.signal,
        );
      } catch (err) {
        for (const h of held) void h.release();
        if (err instanceof QueueTimeoutError)
          return refuse(
            who,
            deny(503, "queue_timeout", `${err.message} waiting for model "${input.model}"`),
          );
        return refuse(who, deny(499, "admission_denied", "client disconnected while queued"));
      }
    }
    this.metrics.admitted.inc({ tenant: who?.tenantName ?? "" });
    let observedOut = 0;
    return {
      tenant: who?.tenantName ?? null,
      apiKey: who?.keyId ?? null,
      credential: who?.credential ?? null,
      progress: (n: number) => {
        observedOut = n;
        for (const h of held) void h.settle({ input: inputTokens, output: n }, false);
      },
      end: (u: AdmissionUsage | null, status: number) => {
        let actual: TokenUsage;
        if (u !== null) actual = u;
        else if (status > 0 && status < 400) actual = reserve;
        else actual = { input: observedOut > 0 ? inputTokens : 0, output: observedOut };
        for (const h of held) void h.settle(actual, true);
        ticket?.done(actual.input + actual.output);
      },
    };
  }

  #globalLimiter(address: string): Limiter {
    let l = this.#globals.get(address);
    if (l === undefined) {
      const url = address.includes("://") ? address : `redis://${address}`;
      const store = new RedisStore(url);
      l = new Limiter(
        store,
        "local",
        {
          onStoreError: (s, _e, mode) => this.metrics.storeErrors.inc({ store: s, mode }),
        },
        this.#local,
      );
      this.#globals.set(address, l);
    }
    return l;
  }

  #onUsage(r: UsageRecord): void {
    if (r.tenant !== null) {
      this.metrics.tokens.inc({ tenant: r.tenant, model: r.model, type: "input" }, r.inputTokens);
      this.metrics.tokens.inc({ tenant: r.tenant, model: r.model, type: "output" }, r.outputTokens);
    }
    if (this.usage === null || r.tenant === null || r.credential === null) return;
    const c = r.credential;
    this.usage.push({
      requestId: r.requestId,
      ...(r.clientRequestId !== null ? { clientRequestId: r.clientRequestId } : {}),
      tenant: r.tenant,
      credential: c,
      // For APIs older than `credential` (they ingest API-key events by this field).
      ...(c.type === "apiKey" ? { apiKeyId: c.id } : {}),
      model: r.model,
      ...(r.servedModel !== null ? { servedModel: r.servedModel } : {}),
      ...(this.opts.usage?.cluster !== undefined ? { cluster: this.opts.usage.cluster } : {}),
      ...(r.modelServer !== "" ? { modelServer: r.modelServer } : {}),
      ...(r.endpoint !== "" ? { endpoint: r.endpoint } : {}),
      inputTokens: r.inputTokens,
      cachedInputTokens: r.cachedInputTokens,
      outputTokens: r.outputTokens,
      ...(r.ttftMs !== null ? { ttftMs: Math.round(r.ttftMs) } : {}),
      durationMs: Math.round(r.durationMs),
      statusCode: r.statusCode >= 100 && r.statusCode <= 599 ? r.statusCode : 599,
      // The request's start, as the API documents and stores it (not when the record was made).
      occurredAt: new Date(r.startedAt).toISOString(),
    });
  }

  async close(): Promise<void> {
    await this.usage?.close().catch(() => {});
    // Stores flush their batched settles before disconnecting.
    await this.limiter.store.close?.();
    for (const l of this.#globals.values()) await l.store.close?.();
    for (const c of this.#redisClients) c.disconnect();
  }
}

function tenancyMetrics(registry: Registry) {
  const r = [registry];
  return {
    admitted: new Counter({
      name: "tessera_router_tenant_admitted_total",
      help: "Requests admitted by tenancy, by tenant ('' = anonymous).",
      labelNames: ["tenant"] as const,
      registers: r,
    }),
    denied: new Counter({
      name: "tessera_router_tenant_denied_total",
      help: "Requests refused at admission, by tenant and reason (auth code or limit label).",
      labelNames: ["tenant", "reason"] as const,
      registers: r,
    }),
    tokens: new Counter({
      name: "tessera_router_tenant_tokens_total",
      help: "Tokens served per tenant, model and type (input/output).",
      labelNames: ["tenant", "model", "type"] as const,
      registers: r,
    }),
    storeErrors: new Counter({
      name: "tessera_router_quota_store_errors_total",
      help: "Quota store failures by store and the fail mode applied (open, closed, local, settle).",
      labelNames: ["store", "mode"] as const,
      registers: r,
    }),
    usageSpooled: new Counter({
      name: "tessera_router_usage_spooled_total",
      help: "Usage records written to the local spool because the usage stream was unavailable.",
      registers: r,
    }),
    checkSeconds: new Histogram({
      name: "tessera_router_quota_check_seconds",
      help: "Latency of one tenant quota check-and-reserve.",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: r,
    }),
  };
}
