// Tenant isolation, checked exhaustively: walk the OpenAPI document and call every tenant-scoped
// operation on tenant B's resources with tenant A's credentials (A's admin session, A's API key):
// every one must answer 404 and leave B unchanged. Every platform-level operation must refuse them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, unique } from "./testing/harness.ts";
import type { TestApp } from "./testing/harness.ts";

type Op = { operationId: string; "x-tessera-access": string; requestBody?: unknown };

let t: TestApp;
let ops: { method: string; path: string; op: Op }[];
const A = { tenantId: "", adminToken: "", apiKey: "" };
const B = { tenantId: "", keyId: "", userId: "", model: "*" };

beforeAll(async () => {
  t = await createTestApp();
  const sys = { actor: null };
  const a = await t.services.tenants.create(sys, { slug: unique("tenant-a"), name: "A" });
  const b = await t.services.tenants.create(sys, { slug: unique("tenant-b"), name: "B" });
  A.tenantId = a.id;
  B.tenantId = b.id;
  A.adminToken = (await t.user("MEMBER", [{ tenantId: a.id, role: "TENANT_ADMIN" }])).token;
  A.apiKey = (
    await t.services.keys.create(sys, { tenantId: a.id, name: "a-key", models: [] })
  ).secret;
  B.keyId = (
    await t.services.keys.create(sys, { tenantId: b.id, name: "b-key", models: [] })
  ).key.id;
  B.userId = (await t.user("MEMBER", [{ tenantId: b.id, role: "TENANT_ADMIN" }])).id;
  await t.services.quotas.set(sys, b.id, "*", { totalTokensPerDay: 1000 });
  const doc = (await t.call("GET", "/openapi.json")).json<{
    paths: Record<string, Record<string, Op>>;
  }>();
  ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});
afterAll(async () => {
  await t.close();
});

const fill = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = (B as Record<string, string>)[name];
    if (v === undefined) throw new Error(`walker does not know how to fill {${name}} in ${path}`);
    return encodeURIComponent(v);
  });

// A plausible body so a 404 cannot be a side effect of validation order.
const bodies: Record<string, unknown> = {
  "keys.create": { name: "stolen", models: [] },
  "tenants.setMember": { role: "TENANT_ADMIN" },
  "quotas.set": { totalTokensPerDay: 999999999 },
};

describe("tenant isolation (walks /openapi.json)", () => {
  it("covers the tenant-scoped operations", () => {
    const scoped = ops.filter((o) => o.path.includes("{tenantId}")).map((o) => o.op.operationId);
    expect(scoped).toEqual(
      expect.arrayContaining([
        "keys.list",
        "keys.get",
        "keys.create",
        "keys.revoke",
        "quotas.list",
        "quotas.set",
        "quotas.remove",
        "usage.summary",
        "usage.recent",
        "tenants.get",
        "tenants.members",
        "audit.tenant",
      ]),
    );
  });

  for (const who of ["tenant admin session", "tenant API key"] as const) {
    it(`gives tenant A's ${who} 404 on every operation on tenant B`, async () => {
      const token = who === "tenant API key" ? A.apiKey : A.adminToken;
      const scoped = ops.filter((o) => o.path.includes("{tenantId}"));
      const results: string[] = [];
      for (const { method, path, op } of scoped) {
        const query = op.operationId === "usage.summary" ? "?from=2026-01-01&to=2026-01-02" : "";
        const res = await t.call(
          method,
          fill(path) + query,
          token,
          method === "GET" || method === "DELETE" ? undefined : (bodies[op.operationId] ?? {}),
        );
        results.push(`${method} ${path} → ${res.statusCode}`);
        expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(404);
        expect(res.body).not.toContain(B.keyId);
      }
      expect(results.length).toBeGreaterThanOrEqual(12);
      // B is untouched.
      const key = await t.services.keys.get(B.tenantId, B.keyId);
      expect(key.revokedAt).toBeNull();
      expect((await t.services.quotas.list(B.tenantId))[0]?.totalTokensPerDay).toBe(1000);
      expect((await t.services.keys.list(B.tenantId)).map((k) => k.name)).toEqual(["b-key"]);
    });

    it(`refuses tenant A's ${who} on platform operations`, async () => {
      const token = who === "tenant API key" ? A.apiKey : A.adminToken;
      const platform = ops.filter((o) => ["operator", "admin"].includes(o.op["x-tessera-access"]));
      expect(platform.length).toBeGreaterThan(10);
      for (const { method, path } of platform) {
        const url = path.replace(/\{(\w+)\}/g, "00000000-0000-7000-8000-000000000000");
        const res = await t.call(
          method,
          url,
          token,
          method === "GET" || method === "DELETE" ? undefined : {},
        );
        expect([403, 404], `${method} ${path}: ${res.statusCode}`).toContain(res.statusCode);
      }
    });
  }

  it("lists only the caller's own tenants", async () => {
    const res = await t.call("GET", "/v1/tenants", A.adminToken);
    expect(res.json<{ id: string }[]>().map((x) => x.id)).toEqual([A.tenantId]);
    const viaKey = await t.call("GET", "/v1/tenants", A.apiKey);
    expect(viaKey.json<{ id: string }[]>().map((x) => x.id)).toEqual([A.tenantId]);
  });

  it("metrics.serving shows a tenant admin only their own tenant; API keys get nothing", async () => {
    const res = await t.call("GET", "/v1/metrics/serving?window=1h", A.adminToken);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ tenants: string[] }>().tenants).toEqual([A.tenantId]);
    expect(res.body).not.toContain(B.tenantId);
    expect((await t.call("GET", "/v1/metrics/serving?window=1h", A.apiKey)).statusCode).toBe(403);
  });

  it("tRPC applies the same scope", async () => {
    const input = encodeURIComponent(JSON.stringify({ tenantId: B.tenantId }));
    const res = await t.app.inject({
      method: "GET",
      url: `/trpc/keys.list?input=${input}`,
      headers: { authorization: `Bearer ${A.adminToken}` },
    });
    expect(res.statusCode).toBe(404);
  });
});
