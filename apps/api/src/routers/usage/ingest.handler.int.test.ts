// Usage ingest on the real PostgreSQL, for both kinds of caller: API keys (current and older router
// events) and JWT subjects (current events, and the "jwt:<sub>" ids older routers sent, which used
// to be rejected). Then what reads the records: usage.summary (rollups of both tables, grouped by
// caller, priced by the requested model), usage.recent (caller and served model) and
// metrics.serving (every caller counted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServingMetrics } from "../../services/metrics.ts";
import { createTestApp, fakeKubeconfig, unique } from "../../testing/harness.ts";
import type { TestApp } from "../../testing/harness.ts";

let t: TestApp;
let admin: string;
let tenant: { id: string; slug: string };
let keyId: string;
let clusterName: string;
let clusterId: string;
/** Well inside metrics.serving's 15-minute window, in a bucket that is complete. */
const now = Date.now() - 5 * 60_000;

interface Ingested {
  ingested: number;
  duplicate: number;
  rejected: number;
  rejectedEvents: { index: number; reason: string }[];
}

const post = async (events: Record<string, unknown>[]) => {
  const res = await t.call("POST", "/v1/usage/events", admin, { events });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Ingested>();
};

/** An event of the current router, minus the caller. */
const event = (requestId: string, extra: Record<string, unknown>) => ({
  requestId,
  tenant: tenant.slug,
  model: "chat",
  cluster: clusterName,
  inputTokens: 10,
  outputTokens: 5,
  ttftMs: 40,
  durationMs: 100,
  statusCode: 200,
  occurredAt: new Date(now).toISOString(),
  ...extra,
});

/** A new tenant with one API key (for all models). */
async function tenantWithKey(slug: string) {
  const created = await t.services.tenants.create({ actor: null }, { slug, name: slug });
  const { key } = await t.services.keys.create(
    { actor: null },
    { tenantId: created.id, name: "k", models: [] },
  );
  return { tenant: { id: created.id, slug: created.slug }, keyId: key.id };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.user("ADMIN")).token;
  ({ tenant, keyId } = await tenantWithKey(unique("usage")));
  clusterName = unique("usage");
  const reg = await t.call("POST", "/v1/clusters", admin, {
    name: clusterName,
    kubeconfig: fakeKubeconfig(),
    allowUnreachable: true,
  });
  expect(reg.statusCode, reg.body).toBe(200);
  clusterId = reg.json<{ id: string }>().id;
});
afterAll(async () => {
  await t.close();
});

describe("usage ingest by credential", () => {
  const rid = unique("r");

  it("stores API-key and JWT callers, old and new event shapes, each request once", async () => {
    const r = await post([
      // Current router, API key: credential plus the repeated apiKeyId.
      event(`${rid}-key`, {
        credential: { type: "apiKey", id: keyId },
        apiKeyId: keyId,
        servedModel: "org/base-7b",
      }),
      // Older router, API key: apiKeyId only, no servedModel.
      event(`${rid}-old-key`, { apiKeyId: keyId }),
      // Current router, JWT.
      event(`${rid}-jwt`, {
        credential: { type: "jwt", subject: "alice", issuer: "https://idp.example" },
        servedModel: "org/base-7b",
      }),
      event(`${rid}-jwt-2`, {
        credential: { type: "jwt", subject: "alice", issuer: "https://idp.example" },
        servedModel: "org/base-7b",
        outputTokens: 15,
      }),
      // Older router, JWT: what used to end up in tessera:usage:rejected.
      event(`${rid}-old-jwt`, { apiKeyId: "jwt:bob" }),
      // Redelivered.
      event(`${rid}-jwt`, {
        credential: { type: "jwt", subject: "alice", issuer: "https://idp.example" },
      }),
    ]);
    expect(r).toMatchObject({ ingested: 5, duplicate: 1, rejected: 0 });

    const rows = (await t.services.usage.recent(tenant.id, 50))
      .map((x) => ({
        requestId: x.requestId,
        apiKeyId: x.apiKeyId,
        subject: x.subject,
        issuer: x.issuer,
        model: x.model,
        servedModel: x.servedModel,
      }))
      .sort((a, b) => a.requestId.localeCompare(b.requestId));
    expect(rows).toEqual([
      {
        requestId: `${rid}-jwt`,
        apiKeyId: null,
        subject: "alice",
        issuer: "https://idp.example",
        model: "chat",
        servedModel: "org/base-7b",
      },
      {
        requestId: `${rid}-jwt-2`,
        apiKeyId: null,
        subject: "alice",
        issuer: "https://idp.example",
        model: "chat",
        servedModel: "org/base-7b",
      },
      {
        requestId: `${rid}-key`,
        apiKeyId: keyId,
        subject: null,
        issuer: null,
        model: "chat",
        servedModel: "org/base-7b",
      },
      {
        requestId: `${rid}-old-jwt`,
        apiKeyId: null,
        subject: "bob",
        issuer: null,
        model: "chat",
        servedModel: null,
      },
      {
        requestId: `${rid}-old-key`,
        apiKeyId: keyId,
        subject: null,
        issuer: null,
        model: "chat",
        servedModel: null,
      },
    ]);
  });

  it("rejects events whose caller is missing, ambiguous or malformed, naming the field", async () => {
    const r = await post([
      event(`${rid}-none`, {}),
      event(`${rid}-both`, { credential: { type: "jwt", subject: "alice" }, apiKeyId: keyId }),
      event(`${rid}-empty-sub`, { credential: { type: "jwt", subject: "" } }),
      event(`${rid}-bad-key`, { credential: { type: "apiKey", id: "not-a-uuid" } }),
      event(`${rid}-unknown-key`, {
        credential: { type: "apiKey", id: "0b7c9f4e-2f4a-4d7e-9a51-6f0f1c2d3e4f" },
      }),
      event(`${rid}-kind`, { credential: { type: "mtls", subject: "x" } }),
      event(`${rid}-legacy`, { apiKeyId: "key-1" }),
    ]);
    expect(r).toMatchObject({ ingested: 0, rejected: 7 });
    const reasons = r.rejectedEvents.map((e) => e.reason);
    expect(reasons[0]).toMatch(/^credential: required/);
    expect(reasons[1]).toMatch(/^apiKeyId: must be credential\.id/);
    expect(reasons[2]).toMatch(/^credential\.subject: /);
    expect(reasons[3]).toMatch(/^credential\.id: must be the API key's UUID/);
    expect(reasons[4]).toMatch(/^unknown key 0b7c9f4e-/);
    expect(reasons[5]).toMatch(/^credential\.type: /);
    expect(reasons[6]).toBe(
      'apiKeyId: must be an API key UUID or "jwt:<sub>" (sub of 1–255 characters)',
    );
    expect(await t.services.usage.recent(tenant.id, 50)).toHaveLength(5);
  });

  it("usage.summary rolls up both kinds of caller, by the requested model", async () => {
    const day = new Date(now).toISOString().slice(0, 10);
    const summary = async (query: string) => {
      const res = await t.call(
        "GET",
        `/v1/tenants/${tenant.id}/usage?from=${day}&to=${day}&${query}`,
        admin,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{
        rows: Record<string, unknown>[];
        totals: { requests: number; outputTokens: number };
      }>();
    };
    const byModel = await summary("groupBy=model");
    // Showback groups by what the tenant asked for, never by the served name.
    expect(byModel.rows).toEqual([
      expect.objectContaining({ model: "chat", requests: 5, outputTokens: 35 }),
    ]);
    expect(byModel.totals).toMatchObject({ requests: 5, outputTokens: 35 });

    const byCaller = await summary("groupBy=apiKey");
    expect(byCaller.rows).toHaveLength(3);
    expect(byCaller.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ apiKeyId: keyId, subject: null, requests: 2, outputTokens: 10 }),
        expect.objectContaining({
          apiKeyId: null,
          apiKeyPrefix: null,
          subject: "alice",
          issuer: "https://idp.example",
          requests: 2,
          outputTokens: 20,
          avgTtftMs: 40,
        }),
        expect.objectContaining({ apiKeyId: null, subject: "bob", issuer: null, requests: 1 }),
      ]),
    );

    expect((await summary(`groupBy=model&subject=alice`)).totals.requests).toBe(2);
    expect((await summary(`groupBy=model&apiKeyId=${keyId}`)).totals.requests).toBe(2);
    const both = await t.call(
      "GET",
      `/v1/tenants/${tenant.id}/usage?from=${day}&to=${day}&subject=alice&apiKeyId=${keyId}`,
      admin,
    );
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain("subject");
  });

  it("usage.recent shows the caller and the served model; metrics.serving counts every caller", async () => {
    const res = await t.call("GET", `/v1/tenants/${tenant.id}/usage/requests?limit=10`, admin);
    expect(res.statusCode, res.body).toBe(200);
    const recent = res.json<Record<string, unknown>[]>();
    expect(recent).toHaveLength(5);
    expect(recent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          requestId: `${rid}-jwt`,
          apiKeyId: null,
          subject: "alice",
          model: "chat",
          servedModel: "org/base-7b",
        }),
        expect.objectContaining({
          requestId: `${rid}-old-key`,
          apiKeyId: keyId,
          servedModel: null,
        }),
      ]),
    );

    const m = await t.call("GET", `/v1/metrics/serving?window=15m&clusterId=${clusterId}`, admin);
    expect(m.statusCode, m.body).toBe(200);
    const serving = m.json<ServingMetrics>();
    const requests = serving.series.reduce(
      (a, p) => a + p.requestsPerSecond * serving.bucketSeconds,
      0,
    );
    expect(Math.round(requests)).toBe(5);
  });
});

describe("usage ingest: request identity and unregistered clusters", () => {
  let other: { id: string; slug: string };
  let otherKey: string;
  beforeAll(async () => {
    ({ tenant: other, keyId: otherKey } = await tenantWithKey(unique("usage-ids")));
  });

  /** An event of `other`, off every registered cluster (metrics.serving above stays exact). */
  const ev = (requestId: string, extra: Record<string, unknown> = {}) => ({
    ...event(requestId, { credential: { type: "apiKey", id: otherKey }, cluster: undefined }),
    tenant: other.slug,
    ...extra,
  });
  const recent = async () => {
    const res = await t.call("GET", `/v1/tenants/${other.id}/usage/requests?limit=50`, admin);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ requestId: string; clientRequestId: string | null; clusterId: string }[]>();
  };

  it("meters two requests that reuse one x-request-id; a redelivered event stays one", async () => {
    const [a, b, old] = [unique("router"), unique("router"), unique("old-router")];
    const r = await post([
      ev(a, { clientRequestId: "client-reused" }),
      ev(b, { clientRequestId: "client-reused" }),
      // A router from before clientRequestId: the client's id was the requestId.
      ev(old),
      // The same event again (stream redelivery or a spool replay) is not metered twice.
      ev(a, { clientRequestId: "client-reused" }),
    ]);
    expect(r).toMatchObject({ ingested: 3, duplicate: 1, rejected: 0 });
    const rows = await recent();
    expect(rows).toHaveLength(3);
    expect(
      rows
        .filter((x) => x.clientRequestId === "client-reused")
        .map((x) => x.requestId)
        .sort(),
    ).toEqual([a, b].sort());
    expect(rows.find((x) => x.requestId === old)?.clientRequestId).toBeNull();
    const day = new Date(now).toISOString().slice(0, 10);
    const s = await t.call(
      "GET",
      `/v1/tenants/${other.id}/usage?from=${day}&to=${day}&groupBy=model`,
      admin,
    );
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json<{ totals: { requests: number } }>().totals.requests).toBe(3);
  });

  it("rejects an over-long clientRequestId by name", async () => {
    const r = await post([ev(unique("router"), { clientRequestId: "x".repeat(129) })]);
    expect(r.rejected).toBe(1);
    expect(r.rejectedEvents[0]?.reason).toContain("clientRequestId");
  });

  it("stores an event naming an unregistered cluster, warns with the name and counts it", async () => {
    const nowhere = unique("unregistered");
    const [a, b] = [unique("router"), unique("router")];
    const r = await post([ev(a, { cluster: nowhere }), ev(b, { cluster: nowhere })]);
    expect(r).toMatchObject({ ingested: 2, rejected: 0 });
    const rows = (await recent()).filter((x) => x.requestId === a || x.requestId === b);
    expect(rows.map((x) => x.clusterId)).toEqual([null, null]);
    const warnings = t.logs.filter((l) => l.includes(nowhere));
    // One warning per name and recheck interval, not one per event.
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? "{}")).toMatchObject({
      level: 40,
      cluster: nowhere,
      requestId: a,
      msg: expect.stringContaining("not registered") as unknown,
    });
    const metrics = await t.metrics.registry.getSingleMetricAsString(
      "tessera_api_usage_unknown_cluster_total",
    );
    expect(metrics).toContain(`tessera_api_usage_unknown_cluster_total{cluster="${nowhere}"} 2`);
  });

  it("keeps metering a cluster's traffic after the cluster is removed from the API", async () => {
    const name = unique("removed");
    const reg = await t.call("POST", "/v1/clusters", admin, {
      name,
      kubeconfig: fakeKubeconfig(),
      allowUnreachable: true,
    });
    expect(reg.statusCode, reg.body).toBe(200);
    const id = reg.json<{ id: string }>().id;
    const [a, b] = [unique("router"), unique("router")];
    // The first event caches the cluster's id; after removal that id names no row.
    expect(await post([ev(a, { cluster: name })])).toMatchObject({ ingested: 1 });
    const del = await t.call("DELETE", `/v1/clusters/${id}?confirm=${name}`, admin);
    expect(del.statusCode, del.body).toBe(200);
    expect(await post([ev(b, { cluster: name })])).toMatchObject({ ingested: 1, rejected: 0 });
    const rows = (await recent()).filter((x) => x.requestId === a || x.requestId === b);
    // onDelete SetNull clears the first record's cluster too.
    expect(rows.map((x) => x.clusterId)).toEqual([null, null]);
  });
});
