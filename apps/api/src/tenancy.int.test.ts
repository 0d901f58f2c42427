// Tenants, keys, quotas, usage and auth against the real app and a real PostgreSQL, over REST and
// tRPC (the same handlers).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";

let t: TestApp;
let admin: { id: string; token: string; email: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user("ADMIN");
});
afterAll(async () => {
  await t.close();
});

async function createTenant(slug = unique("acme")) {
  const res = await t.call("POST", "/v1/tenants", admin.token, { slug, name: `Tenant ${slug}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ id: string; slug: string }>();
}

describe("auth", () => {
  it("rejects anonymous calls and bad tokens", async () => {
    expect((await t.call("GET", "/v1/tenants")).statusCode).toBe(401);
    const bad = await t.call("GET", "/v1/tenants", "tss_nope");
    expect(bad.statusCode).toBe(401);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe("API_ERR_UNAUTHENTICATED");
  });

  it("logs in with a cookie session and requires the CSRF token on mutations", async () => {
    const u = await t.user("ADMIN");
    const login = await t.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { email: u.email, password: "correct horse battery staple" },
      remoteAddress: "10.1.2.3",
    });
    const cookies = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    expect(login.cookies.find((c) => c.name === "tessera_session")?.httpOnly).toBe(true);
    const cookie = `tessera_session=${cookies["tessera_session"]}; tessera_csrf=${cookies["tessera_csrf"]}`;
    const read = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: { cookie } });
    expect(read.json()).toMatchObject({ type: "user", email: u.email, platformRole: "ADMIN" });
    const payload = { slug: unique("csrf"), name: "x" };
    const noCsrf = await t.app.inject({
      method: "POST",
      url: "/v1/tenants",
      headers: { cookie },
      payload,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json<{ error: { code: string } }>().error.code).toBe("API_ERR_CSRF");
    const wrongCsrf = await t.app.inject({
      method: "POST",
      url: "/v1/tenants",
      headers: { cookie, "x-csrf-token": "guess" },
      payload,
    });
    expect(wrongCsrf.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: "POST",
      url: "/v1/tenants",
      headers: { cookie, "x-csrf-token": cookies["tessera_csrf"] ?? "" },
      payload,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    // tRPC mutations go through the same check.
    const trpc = await t.app.inject({
      method: "POST",
      url: "/trpc/tenants.create",
      headers: { cookie, "content-type": "application/json" },
      payload: { slug: unique("csrf"), name: "y" },
    });
    expect(trpc.statusCode).toBe(403);
    // Logout revokes the session.
    await t.app.inject({
      method: "POST",
      url: "/v1/auth/logout",
      headers: { cookie, "x-csrf-token": cookies["tessera_csrf"] ?? "" },
    });
    const after = await t.app.inject({ method: "GET", url: "/v1/auth/me", headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it("rate limits login attempts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await t.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { email: "nobody@example.test", password: "wrong" },
        remoteAddress: "10.9.9.9",
      });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it("enforces platform roles", async () => {
    const member = await t.user("MEMBER");
    const res = await t.call("POST", "/v1/tenants", member.token, {
      slug: unique("nope"),
      name: "n",
    });
    expect(res.statusCode).toBe(403);
    const operator = await t.user("OPERATOR");
    expect((await t.call("GET", "/v1/clusters", operator.token)).statusCode).toBe(200);
    expect((await t.call("GET", "/v1/clusters", member.token)).statusCode).toBe(403);
  });
});

describe("validation", () => {
  it("names the field path and where it came from", async () => {
    const res = await t.call("POST", "/v1/tenants", admin.token, {
      slug: "Not A Label",
      name: "",
      fairnessWeight: -1,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<{
      error: { code: string; issues: { path: string; message: string }[] };
    }>();
    expect(body.error.code).toBe("API_ERR_VALIDATION");
    expect(body.error.issues).toEqual(
      expect.arrayContaining([
        { path: "body.slug", message: expect.stringContaining("DNS label") as string },
        { path: "body.name", message: "must be at least 1 characters" },
        { path: "body.fairnessWeight", message: "must be > 0" },
      ]),
    );
    const q = await t.call("GET", `/v1/tenants/not-a-uuid`, admin.token);
    expect(q.json<{ error: { issues: unknown[] } }>().error.issues).toEqual([
      { path: "path.tenantId", message: "must be a UUID" },
    ]);
    const tenant = await createTenant();
    const lim = await t.call("GET", `/v1/tenants/${tenant.id}/usage/requests?limit=0`, admin.token);
    expect(lim.json<{ error: { issues: unknown[] } }>().error.issues).toEqual([
      { path: "query.limit", message: "must be ≥ 1" },
    ]);
    const quota = await t.call("PUT", `/v1/tenants/${tenant.id}/quotas/m1`, admin.token, {
      requestsPerMinute: -5,
    });
    expect(quota.json<{ error: { message: string } }>().error.message).toBe(
      "body.requestsPerMinute: must be ≥ 0",
    );
  });
});

describe("tenants, keys, quotas", () => {
  it("a tenant admin creates a key shown once, lists it by prefix, and revokes it", async () => {
    const tenant = await createTenant();
    const tadmin = await t.user("MEMBER", [{ tenantId: tenant.id, role: "TENANT_ADMIN" }]);
    const created = await t.call("POST", `/v1/tenants/${tenant.id}/keys`, tadmin.token, {
      name: "ci",
      models: ["llama"],
    });
    expect(created.statusCode, created.body).toBe(200);
    const { key, secret } = created.json<{ key: { id: string; prefix: string }; secret: string }>();
    expect(secret).toMatch(/^tsk_/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const list = await t.call("GET", `/v1/tenants/${tenant.id}/keys`, tadmin.token);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain("keyHash");
    expect(list.json<{ id: string }[]>().map((k) => k.id)).toEqual([key.id]);
    // The key itself authenticates REST reads of its own tenant (viewer), not writes.
    expect((await t.call("GET", `/v1/tenants/${tenant.id}/quotas`, secret)).statusCode).toBe(200);
    expect(
      (await t.call("POST", `/v1/tenants/${tenant.id}/keys`, secret, { name: "x" })).statusCode,
    ).toBe(403);
    // Only the hash is stored.
    const row = await t.services.repos.apiKeys.findByHash(
      (await import("./lib/crypto.ts")).sha256Hex(secret),
    );
    expect(row?.id).toBe(key.id);
    const revoked = await t.call(
      "POST",
      `/v1/tenants/${tenant.id}/keys/${key.id}/revoke`,
      tadmin.token,
    );
    expect(revoked.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull();
    expect((await t.call("GET", `/v1/tenants/${tenant.id}/quotas`, secret)).statusCode).toBe(401);
    // Audited with who and before/after.
    const audit = await t.call("GET", `/v1/audit?tenantId=${tenant.id}`, admin.token);
    const actions = audit.json<{ action: string; actorLabel: string }[]>();
    expect(actions.map((a) => a.action)).toEqual([
      "apikey.revoke",
      "apikey.create",
      "tenant.create",
    ]);
    expect(actions[0]?.actorLabel).toBe(tadmin.email);
  });

  it("viewers read but cannot write; expired keys are refused at creation", async () => {
    const tenant = await createTenant();
    const viewer = await t.user("MEMBER", [{ tenantId: tenant.id, role: "VIEWER" }]);
    expect((await t.call("GET", `/v1/tenants/${tenant.id}/keys`, viewer.token)).statusCode).toBe(
      200,
    );
    expect(
      (await t.call("POST", `/v1/tenants/${tenant.id}/keys`, viewer.token, { name: "x" }))
        .statusCode,
    ).toBe(403);
    const past = await t.call("POST", `/v1/tenants/${tenant.id}/keys`, admin.token, {
      name: "old",
      expiresAt: "2001-01-01T00:00:00Z",
    });
    expect(past.statusCode).toBe(400);
  });

  it("sets quotas per model with bigint budgets, over REST and tRPC alike", async () => {
    const tenant = await createTenant();
    const big = 5_000_000_000;
    const put = await t.call("PUT", `/v1/tenants/${tenant.id}/quotas/*`, admin.token, {
      totalTokensPerMonth: big,
      requestsPerMinute: 60,
    });
    expect(put.statusCode, put.body).toBe(200);
    const trpc = await t.app.inject({
      method: "POST",
      url: "/trpc/quotas.set",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      payload: { tenantId: tenant.id, model: "llama", outputTokensPerMinute: 1000 },
    });
    expect(trpc.statusCode, trpc.body).toBe(200);
    const list = await t.call("GET", `/v1/tenants/${tenant.id}/quotas`, admin.token);
    expect(list.json()).toEqual([
      expect.objectContaining({
        model: "*",
        totalTokensPerMonth: big,
        requestsPerMinute: 60,
        outputTokensPerMinute: null,
      }),
      expect.objectContaining({ model: "llama", outputTokensPerMinute: 1000 }),
    ]);
    // tRPC validation errors carry the same field issues.
    const bad = await t.app.inject({
      method: "POST",
      url: "/trpc/quotas.set",
      headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
      payload: { tenantId: tenant.id, model: "llama", concurrentRequests: -1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { data: { issues: unknown } } }>().error.data.issues).toEqual([
      { path: "concurrentRequests", message: "must be ≥ 0" },
    ]);
  });
});

describe("usage", () => {
  it("ingests idempotently by request id and rolls up by day, model and key with showback", async () => {
    const tenant = await createTenant();
    const k1 = (
      await t.services.keys.create({ actor: null }, { tenantId: tenant.id, name: "a", models: [] })
    ).key;
    const k2 = (
      await t.services.keys.create({ actor: null }, { tenantId: tenant.id, name: "b", models: [] })
    ).key;
    const ev = (
      requestId: string,
      apiKeyId: string,
      model: string,
      occurredAt: string,
      extra: object = {},
    ) => ({
      requestId,
      tenant: tenant.slug,
      apiKeyId,
      model,
      inputTokens: 1000,
      cachedInputTokens: 200,
      outputTokens: 500,
      durationMs: 3_600_000,
      ttftMs: 100,
      statusCode: 200,
      occurredAt,
      ...extra,
    });
    const rid = unique("req");
    const events = [
      ev(`${rid}-1`, k1.id, "llama", "2026-11-20T10:00:00Z"),
      ev(`${rid}-1`, k1.id, "llama", "2026-11-20T10:00:00Z"), // redelivered
      ev(`${rid}-2`, k1.id, "llama", "2026-11-20T23:59:59Z", { statusCode: 429, outputTokens: 0 }),
      ev(`${rid}-3`, k2.id, "qwen", "2026-11-21T01:00:00Z"),
      { ...ev(`${rid}-4`, k2.id, "qwen", "2026-11-21T01:00:00Z"), tenant: "no-such-tenant" },
    ];
    const put = await t.call("PUT", "/v1/pricing", admin.token, {
      currency: "EUR",
      models: [
        {
          model: "llama",
          inputPerMillionTokens: 1,
          cachedInputPerMillionTokens: 0.5,
          outputPerMillionTokens: 2,
        },
        { model: "*", gpuHourPrice: 2, gpusPerRequest: 0.5 },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    const res = await t.call("POST", "/v1/usage/events", admin.token, { events });
    expect(res.json()).toMatchObject({ ingested: 3, duplicate: 1, rejected: 1 });
    const again = await t.call("POST", "/v1/usage/events", admin.token, {
      events: events.slice(0, 1),
    });
    expect(again.json()).toMatchObject({ ingested: 0, duplicate: 1 });

    const byDayModel = await t.call(
      "GET",
      `/v1/tenants/${tenant.id}/usage?from=2026-11-20&to=2026-11-21`,
      admin.token,
    );
    const summary = byDayModel.json<{
      currency: string;
      rows: Record<string, unknown>[];
      totals: Record<string, number>;
    }>();
    expect(summary.currency).toBe("EUR");
    // llama: 2 requests × (800 uncached × 1 + 200 cached × 0.5)/1e6 + outputs (500 + 0) × 2 / 1e6
    const llamaCost = (2 * (800 * 1 + 200 * 0.5) + 500 * 2) / 1e6;
    // qwen: the "*" price: 1 hour × 0.5 GPU × 2 per GPU-hour
    expect(summary.rows).toEqual([
      expect.objectContaining({
        day: "2026-11-20",
        model: "llama",
        requests: 2,
        errors: 1,
        rateLimited: 1, // the 429: counted apart from other errors
        inputTokens: 2000,
        outputTokens: 500,
        cost: llamaCost,
        avgTtftMs: 100,
      }),
      expect.objectContaining({
        day: "2026-11-21",
        model: "qwen",
        requests: 1,
        errors: 0,
        rateLimited: 0,
        cost: 1,
      }),
    ]);
    expect(summary.totals).toMatchObject({
      requests: 3,
      rateLimited: 1,
      inputTokens: 3000,
      outputTokens: 1000,
    });
    const byKey = await t.call(
      "GET",
      `/v1/tenants/${tenant.id}/usage?from=2026-11-20&to=2026-11-21&groupBy=apiKey`,
      admin.token,
    );
    expect(
      byKey
        .json<{ rows: { apiKeyPrefix: string; requests: number }[] }>()
        .rows.map((r) => [r.apiKeyPrefix, r.requests])
        .sort(),
    ).toEqual(
      [
        [k1.prefix, 2],
        [k2.prefix, 1],
      ].sort(),
    );
  });
});

describe("openapi", () => {
  it("is served with every procedure and a rendered reference page", async () => {
    const doc = (await t.call("GET", "/openapi.json")).json<{
      paths: Record<string, Record<string, { operationId: string }>>;
    }>();
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(
      expect.arrayContaining([
        "tenants.create",
        "keys.revoke",
        "quotas.set",
        "usage.summary",
        "clusters.register",
        "deployments.deploy",
        "placement.preview",
        "auth.login",
      ]),
    );
    const page = await t.call("GET", "/docs");
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("/v1/tenants/{tenantId}/keys");
  });

  it("serves health, readiness and metrics", async () => {
    expect((await t.call("GET", "/healthz")).json()).toEqual({ status: "ok" });
    expect((await t.call("GET", "/readyz")).statusCode).toBe(200);
    const metrics = await t.call("GET", "/metrics");
    expect(metrics.body).toContain("tessera_api_http_requests_total");
  });
});

describe("tRPC", () => {
  it("serves queries without input and batches", async () => {
    const me = await t.app.inject({
      method: "GET",
      url: "/trpc/auth.me",
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json<{ result: { data: { email: string } } }>().result.data.email).toBe(admin.email);
    const batch = await t.app.inject({
      method: "GET",
      url: `/trpc/auth.me,tenants.list?batch=1&input=${encodeURIComponent("{}")}`,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(batch.json<unknown[]>()).toHaveLength(2);
  });
});

describe("users", () => {
  it("platform admins disable users, which ends their sessions at once", async () => {
    const u = await t.user("OPERATOR");
    expect((await t.call("GET", "/v1/clusters", u.token)).statusCode).toBe(200);
    const res = await t.call("PATCH", `/v1/users/${u.id}`, admin.token, { disabled: true });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.call("GET", "/v1/clusters", u.token)).statusCode).toBe(401);
    const self = await t.call("PATCH", `/v1/users/${admin.id}`, admin.token, {
      platformRole: "MEMBER",
    });
    expect(self.statusCode).toBe(409);
    const list = await t.call("GET", "/v1/users", admin.token);
    expect(list.body).not.toContain("passwordHash");
    expect(list.json<{ email: string }[]>().map((x) => x.email)).toContain(u.email);
  });
});
