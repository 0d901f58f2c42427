// metrics.serving on the real PostgreSQL: buckets computed in SQL from usage records (every bucket
// present, empty ones as zeros), percentiles of TTFT, and who sees what — operators every tenant,
// a tenant admin only the tenants they administer, everyone else nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, fakeKubeconfig, unique } from "../../testing/harness.ts";
import type { TestApp } from "../../testing/harness.ts";
import type { ServingMetrics } from "../../services/metrics.ts";

let t: TestApp;
const sys = { actor: null };
const A = { id: "", slug: "", keyId: "", key: "", admin: "", viewer: "" };
const B = { id: "", slug: "", keyId: "", admin: "" };
let operator: string;
let member: string;
let clusterId: string;
let clusterName: string;
/** Events are placed relative to this, well inside the 15-minute window. */
const base = Date.now() - 5 * 60_000;
/** One second into the 30 s bucket `base` falls in. */
const start = Math.floor(base / 30_000) * 30_000 + 1000;

async function ingest(
  tenant: { slug: string; keyId: string },
  at: number,
  o: { ttftMs?: number; outputTokens?: number; cluster?: string } = {},
) {
  const r = await t.services.usage.ingest({
    requestId: unique("req"),
    tenant: tenant.slug,
    apiKeyId: tenant.keyId,
    model: "sim",
    ...(o.cluster ? { cluster: o.cluster } : {}),
    inputTokens: 10,
    outputTokens: o.outputTokens ?? 30,
    ...(o.ttftMs !== undefined ? { ttftMs: o.ttftMs } : {}),
    durationMs: 100,
    statusCode: 200,
    occurredAt: new Date(at).toISOString(),
  });
  expect(r.result).toBe("ingested");
}

beforeAll(async () => {
  t = await createTestApp();
  for (const [x, name] of [
    [A, "metrics-a"],
    [B, "metrics-b"],
  ] as const) {
    const tenant = await t.services.tenants.create(sys, { slug: unique(name), name });
    x.id = tenant.id;
    x.slug = tenant.slug;
    const k = await t.services.keys.create(sys, { tenantId: tenant.id, name: "k", models: [] });
    x.keyId = k.key.id;
    x.admin = (await t.user("MEMBER", [{ tenantId: tenant.id, role: "TENANT_ADMIN" }])).token;
  }
  A.key = (await t.services.keys.create(sys, { tenantId: A.id, name: "k2", models: [] })).secret;
  A.viewer = (await t.user("MEMBER", [{ tenantId: A.id, role: "VIEWER" }])).token;
  operator = (await t.user("OPERATOR")).token;
  member = (await t.user("MEMBER")).token;
  clusterName = unique("metrics");
  const admin = await t.user("ADMIN");
  const reg = await t.call("POST", "/v1/clusters", admin.token, {
    name: clusterName,
    kubeconfig: fakeKubeconfig(),
    allowUnreachable: true,
  });
  expect(reg.statusCode, reg.body).toBe(200);
  clusterId = reg.json<{ id: string }>().id;

  // A: three requests in one 30 s bucket (TTFT 100, 200, 900 ms), one two buckets later without a
  // TTFT. B: two requests in A's first bucket. All served by the registered cluster.
  const bucket = 30_000;
  for (const ttft of [100, 200, 900])
    await ingest(A, start + ttft, { ttftMs: ttft, cluster: clusterName });
  await ingest(A, start + 2 * bucket, { outputTokens: 60, cluster: clusterName });
  for (const ttft of [5000, 7000])
    await ingest(B, start + ttft, { ttftMs: ttft, cluster: clusterName });
});
afterAll(async () => {
  await t.close();
});

const serving = async (token: string, query: string) => {
  const res = await t.call("GET", `/v1/metrics/serving?${query}`, token);
  return { status: res.statusCode, body: res.body, json: () => res.json<ServingMetrics>() };
};

/** The bucket an instant falls into, from the response's own axis. */
const at = (m: ServingMetrics, ms: number) => {
  const i = Math.floor((ms - Date.parse(m.from)) / (m.bucketSeconds * 1000));
  return m.series[i];
};

describe("metrics.serving", () => {
  it("returns every bucket of the window, aligned, with zeros where nothing happened", async () => {
    for (const [window, buckets, seconds] of [
      ["15m", 30, 30],
      ["1h", 60, 60],
      ["6h", 72, 300],
      ["24h", 96, 900],
    ] as const) {
      const r = await serving(operator, `window=${window}&clusterId=${clusterId}`);
      expect(r.status, r.body).toBe(200);
      const m = r.json();
      expect(m.source).toBe("usage-records");
      expect(m.tenants).toBe("all");
      expect(m.bucketSeconds).toBe(seconds);
      expect(m.series).toHaveLength(buckets);
      expect(Date.parse(m.from) % (seconds * 1000)).toBe(0);
      const steps = m.series.map(
        (p, i) => Date.parse(p.t) - Date.parse(m.from) - i * seconds * 1000,
      );
      expect(new Set(steps)).toEqual(new Set([0]));
      expect(Date.parse(m.to)).toBeGreaterThan(Date.now());
    }
    const m = (await serving(operator, `window=15m&clusterId=${clusterId}`)).json();
    const empty = m.series.filter((p) => p.requestsPerSecond === 0);
    expect(empty.length).toBeGreaterThanOrEqual(27);
    for (const p of empty)
      expect(p).toMatchObject({ ttftP50Ms: 0, ttftP95Ms: 0, outputTokensPerSecond: 0 });
  });

  it("operators see every tenant: rates, TTFT percentiles (percentile_cont) and tokens per bucket", async () => {
    const m = (await serving(operator, `window=15m&clusterId=${clusterId}`)).json();
    const first = at(m, start);
    // A's 3 + B's 2 requests in 30 s; TTFT 100, 200, 900, 5000, 7000.
    expect(first).toMatchObject({
      requestsPerSecond: Number((5 / 30).toFixed(3)),
      ttftP50Ms: 900,
      outputTokensPerSecond: 5,
    });
    // percentile_cont(0.95) over 5 values: 5000 + 0.8 × 2000.
    expect(first?.ttftP95Ms).toBe(6600);
    const third = at(m, start + 60_000);
    expect(third).toMatchObject({
      requestsPerSecond: Number((1 / 30).toFixed(3)),
      ttftP50Ms: 0,
      outputTokensPerSecond: 2,
    });
    const total = m.series.reduce((a, p) => a + p.requestsPerSecond * m.bucketSeconds, 0);
    expect(Math.round(total)).toBe(6);
  });

  it("a tenant admin sees only their own tenant's traffic", async () => {
    const r = await serving(A.admin, `window=15m&clusterId=${clusterId}`);
    expect(r.status, r.body).toBe(200);
    const m = r.json();
    expect(m.tenants).toEqual([A.id]);
    const first = at(m, start);
    expect(first).toMatchObject({
      requestsPerSecond: 0.1,
      ttftP50Ms: 200,
      outputTokensPerSecond: 3,
    });
    expect(first?.ttftP95Ms).toBe(830); // 200 + 0.9 × 700
    expect(JSON.stringify(m)).not.toContain(B.id);
    // Without the cluster filter as well: still only A (B's 5000/7000 ms TTFTs never show up).
    const all = (await serving(A.admin, "window=1h")).json();
    expect(Math.max(...all.series.map((p) => p.ttftP95Ms))).toBeLessThan(5000);
    const b = (await serving(B.admin, `window=15m&clusterId=${clusterId}`)).json();
    expect(at(b, start)?.ttftP50Ms).toBe(6000);
  });

  it("refuses callers who administer no tenant, tenant viewers and API keys", async () => {
    for (const token of [member, A.viewer, A.key]) {
      const r = await serving(token, "window=15m");
      expect(r.status, r.body).toBe(403);
    }
    expect((await t.call("GET", "/v1/metrics/serving?window=15m")).statusCode).toBe(401);
  });

  it("names the bad field", async () => {
    const r = await serving(operator, "window=2h");
    expect(r.status).toBe(400);
    expect(r.body).toContain("query.window");
    const c = await serving(operator, "window=1h&clusterId=nope");
    expect(c.status).toBe(400);
    expect(c.body).toContain("query.clusterId");
    const unknown = await serving(
      operator,
      "window=1h&clusterId=00000000-0000-7000-8000-000000000000",
    );
    expect(unknown.status).toBe(404);
  });

  it("tRPC serves the same numbers", async () => {
    const input = encodeURIComponent(JSON.stringify({ window: "15m", clusterId }));
    const res = await t.app.inject({
      method: "GET",
      url: `/trpc/metrics.serving?input=${input}`,
      headers: { authorization: `Bearer ${A.admin}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json<{ result: { data: ServingMetrics } }>().result.data;
    expect(data.tenants).toEqual([A.id]);
    expect(data.series).toHaveLength(30);
  });
});
