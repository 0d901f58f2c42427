// The usage event a request produces, through the real HTTP path: the caller as a typed credential
// (API key with the older `apiKeyId` repeated; JWT with sub and iss, no `apiKeyId`), the requested
// model next to the served one (ModelServer.spec.model rewrite, LoRA adapter), and nothing about
// routing for a request that never reached a ModelServer. No Redis: events land in the spool, the
// same JSON lines the writer would XADD. Also the event's identity and timing: a router-made
// requestId per request (clients reuse x-request-id; it is kept as clientRequestId) and occurredAt
// at the request's start. A request refused after its caller was identified (a rate limit) is an
// event too; one refused before (an unknown key) is not.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageEvent } from "../src/tenancy/usage/writer.ts";
import type { FakeEngine, TestRouter } from "./helpers.ts";
import {
  chat,
  modelRoute,
  modelServer,
  pod,
  postJson,
  startFakeEngines,
  startRouter,
} from "./helpers.ts";

const TV = "tessera.io/v1alpha1";
const KEY_ID = "5f3c1a2b-8d4e-4f6a-9b7c-0d1e2f3a4b5c";

describe("usage events", () => {
  let engines: FakeEngine[];
  let t: TestRouter;
  let dir: string;
  let spool: string;
  let jwks: Server;
  let sign: (claims: Record<string, unknown>, subject: string | null) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k", alg: "ES256" };
    jwks = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    sign = (claims, subject) => {
      const j = new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k" })
        .setIssuedAt()
        .setExpirationTime("5m");
      return (subject === null ? j : j.setSubject(subject)).sign(privateKey);
    };

    let port: number;
    ({ engines, port } = await startFakeEngines(1, 74));
    dir = await mkdtemp(join(tmpdir(), "tessera-usage-event-"));
    spool = join(dir, "usage.spool");
    t = await startRouter(
      [
        modelServer("base", {
          model: "org/base-7b",
          workloadPort: { port },
          workloadSelector: { matchLabels: { app: "base" } },
        }),
        pod("base-0", "127.0.0.74", { app: "base" }),
        modelRoute("chat", {
          modelName: "chat",
          rules: [{ targetModels: [{ modelServerName: "base" }] }],
        }),
        modelRoute("limited", {
          modelName: "limited",
          rules: [{ targetModels: [{ modelServerName: "base" }] }],
          // A few requests fit (as in tenancy.test.ts), then the minute's tokens are spent.
          rateLimit: { inputTokensPerUnit: 25, unit: "minute" },
        }),
        modelRoute("lora", {
          loraAdapters: ["sql-lora"],
          rules: [{ targetModels: [{ modelServerName: "base" }] }],
        }),
        { apiVersion: TV, kind: "Tenant", metadata: { name: "acme" }, spec: { quotas: [] } },
        {
          apiVersion: TV,
          kind: "ApiKey",
          metadata: { name: KEY_ID },
          spec: {
            tenant: "acme",
            keyHash: createHash("sha256").update("sk-usage-1").digest("hex"),
            prefix: "sk-usa",
          },
        },
      ],
      {
        scraper: { intervalMs: 0 },
        tenancy: {
          jwt: { jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks` },
          usage: { spoolPath: spool, cluster: "c1" },
        },
      },
    );
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
    await new Promise((r) => jwks.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const call = (model: string, token: string, requestId: string) =>
    postJson(`${t.url}/v1/chat/completions`, chat(model), {
      authorization: `Bearer ${token}`,
      "x-request-id": requestId,
    });

  async function allEvents(): Promise<UsageEvent[]> {
    await t.router.tenancy?.usage?.flush();
    const lines = (await readFile(spool, "utf8")).split("\n").filter((l) => l !== "");
    return lines.map((l) => JSON.parse(l) as UsageEvent);
  }

  /** Events by the client's x-request-id (the tests send distinct ones unless they say so). */
  async function events(): Promise<Map<string, UsageEvent>> {
    return new Map((await allEvents()).map((e) => [e.clientRequestId ?? e.requestId, e]));
  }

  it("names the caller by credential and records the served model", async () => {
    const jwt = await sign({ "tessera.io/tenant": "acme", iss: "https://idp.example" }, "alice");
    expect((await call("chat", "sk-usage-1", "u-key")).status).toBe(200);
    expect((await call("chat", jwt, "u-jwt")).status).toBe(200);
    expect((await call("sql-lora", "sk-usage-1", "u-lora")).status).toBe(200);
    const noIss = await sign({ "tessera.io/tenant": "acme" }, "bob");
    expect((await call("nope", noIss, "u-unrouted")).status).toBe(404);
    // The engine saw the rewritten names, which is what servedModel must report.
    expect(engines[0]?.received.map((r) => r.body.model)).toEqual([
      "org/base-7b",
      "org/base-7b",
      "sql-lora",
    ]);

    const byId = await events();
    expect(byId.get("u-key")).toMatchObject({
      tenant: "acme",
      credential: { type: "apiKey", id: KEY_ID },
      apiKeyId: KEY_ID,
      model: "chat",
      servedModel: "org/base-7b",
      modelServer: "default/base",
      cluster: "c1",
      inputTokens: 7,
      outputTokens: 3,
      statusCode: 200,
    });
    const viaJwt = byId.get("u-jwt");
    expect(viaJwt).toMatchObject({
      tenant: "acme",
      credential: { type: "jwt", subject: "alice", issuer: "https://idp.example" },
      model: "chat",
      servedModel: "org/base-7b",
    });
    expect(viaJwt).not.toHaveProperty("apiKeyId");
    expect(byId.get("u-lora")).toMatchObject({ model: "sql-lora", servedModel: "sql-lora" });
    const unrouted = byId.get("u-unrouted");
    expect(unrouted).toMatchObject({
      credential: { type: "jwt", subject: "bob" },
      model: "nope",
      statusCode: 404,
    });
    expect(unrouted).not.toHaveProperty("servedModel");
    expect(unrouted).not.toHaveProperty("modelServer");
    expect(unrouted?.credential).not.toHaveProperty("issuer");
  });

  it("refuses a JWT without sub: its usage could not be attributed", async () => {
    const r = await call("chat", await sign({ "tessera.io/tenant": "acme" }, null), "u-nosub");
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: "invalid_api_key" } });
    expect((await events()).has("u-nosub")).toBe(false);
  });

  it("meters a request refused after its caller was identified, and only such a one", async () => {
    expect((await call("limited", "sk-usage-1", "u-limited-ok")).status).toBe(200);
    let refused = 0;
    for (let i = 0; i < 6 && refused !== 429; i++)
      refused = (await call("limited", "sk-usage-1", "u-limited-429")).status;
    expect(refused).toBe(429);
    expect((await call("limited", "sk-wrong", "u-limited-401")).status).toBe(401);

    const byId = await events();
    // The last event with that client id is the refusal (the map keeps the last one).
    const e = byId.get("u-limited-429");
    // The tenant sees the refusal (the API stores it as RATE_LIMITED): no tokens, never routed.
    expect(e).toMatchObject({
      tenant: "acme",
      credential: { type: "apiKey", id: KEY_ID },
      model: "limited",
      statusCode: 429,
      inputTokens: 0,
      outputTokens: 0,
    });
    expect(e).not.toHaveProperty("servedModel");
    expect(e).not.toHaveProperty("endpoint");
    expect(byId.get("u-limited-ok")).toMatchObject({ statusCode: 200, servedModel: "org/base-7b" });
    // An unknown key names nobody to charge: no event, only the denial counter.
    expect(byId.has("u-limited-401")).toBe(false);
  });

  it("keys every request by a router-made id, even when the client reuses x-request-id", async () => {
    const before = new Set((await allEvents()).map((e) => e.requestId));
    expect((await call("chat", "sk-usage-1", "u-reused")).status).toBe(200);
    expect((await call("chat", "sk-usage-1", "u-reused")).status).toBe(200);
    const noHeader = await postJson(`${t.url}/v1/chat/completions`, chat("chat"), {
      authorization: "Bearer sk-usage-1",
    });
    expect(noHeader.status).toBe(200);
    const long = "x".repeat(300);
    expect((await call("chat", "sk-usage-1", long)).status).toBe(200);

    const fresh = (await allEvents()).filter((e) => !before.has(e.requestId));
    expect(fresh).toHaveLength(4);
    const reused = fresh.filter((e) => e.clientRequestId === "u-reused");
    expect(reused).toHaveLength(2); // both metered
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const e of reused) expect(e.requestId).toMatch(uuid);
    expect(reused[0]?.requestId).not.toBe(reused[1]?.requestId);
    // Without x-request-id: the id the router made (and returned) is the usage id, no client id.
    const own = fresh.find((e) => e.requestId === noHeader.headers.get("x-request-id"));
    expect(own).toBeDefined();
    expect(own).not.toHaveProperty("clientRequestId");
    // An over-long client id is cut to what the API stores instead of getting the event rejected.
    expect(fresh.find((e) => e.clientRequestId?.startsWith("xxx"))?.clientRequestId).toBe(
      long.slice(0, 128),
    );
  });

  it("reports occurredAt as the request's start and durationMs as end − start", async () => {
    const engine = engines[0] as FakeEngine;
    engine.opts.delayMs = 400;
    try {
      const sent = Date.now();
      expect((await call("chat", "sk-usage-1", "u-timing")).status).toBe(200);
      const done = Date.now();
      const e = (await events()).get("u-timing");
      expect(e).toBeDefined();
      const start = Date.parse(e?.occurredAt ?? "");
      const duration = e?.durationMs ?? 0;
      expect(duration).toBeGreaterThanOrEqual(400);
      // Arrived after the client sent it and well before the response (the engine took 400 ms).
      expect(start).toBeGreaterThanOrEqual(sent - 1);
      expect(start).toBeLessThanOrEqual(done - 400);
      // start + duration is the end, which the client saw just after.
      expect(start + duration).toBeGreaterThanOrEqual(sent + 400);
      expect(start + duration).toBeLessThanOrEqual(done + 1);
    } finally {
      engine.opts.delayMs = 0;
    }
  });
});
