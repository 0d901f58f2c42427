// Tenancy against a real redis-server: the Lua scripts implement exactly the MemoryStore semantics
// (differential test on a random trace), replicas share limits atomically, fail modes apply when
// Redis dies, and usage records reach the stream or the spool and are replayed after Redis returns.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import { Limiter } from "../src/tenancy/quota/limiter.ts";
import type { PlannedOp } from "../src/tenancy/quota/limiter.ts";
import { RedisStore } from "../src/tenancy/quota/redis-store.ts";
import { MemoryStore } from "../src/tenancy/quota/store.ts";
import { calendarOp, concurrencyOp, slidingOp } from "../src/tenancy/quota/windows.ts";
import type { LimitOp } from "../src/tenancy/quota/windows.ts";
import { UsageStreamWriter } from "../src/tenancy/usage/writer.ts";
import type { UsageEvent } from "../src/tenancy/usage/writer.ts";
import {
  chat,
  modelRoute,
  modelServer,
  pod,
  postJson,
  startFakeEngines,
  startRouter,
} from "./helpers.ts";
import { startRedis } from "./redis-server.ts";
import type { RedisProc } from "./redis-server.ts";

const T0 = Date.UTC(2026, 5, 30, 23, 58, 0);

describe("quota store on Redis", () => {
  let redis: RedisProc;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("matches the memory store decision for decision on a random trace with settles", async () => {
    const mem = new MemoryStore();
    const red = new RedisStore(redis.url);
    await red.ready();
    const rnd = mulberry32(7);
    const ops = (now: number, cost: number, id: string): LimitOp[] => [
      slidingOp("tessera:q:{t}:tok:m", "tpm", 20_000, cost, 60_000),
      calendarOp("tessera:q:{t}:tok:d", "tpd", 150_000, cost, "d", now),
      concurrencyOp("tessera:q:{t}:conc", "conc", 4, id, 30_000),
    ];
    let now = T0;
    const live: { id: string; mem: unknown; red: unknown; cost: number; at: number }[] = [];
    for (let i = 0; i < 600; i++) {
      now += Math.floor(rnd() * 900);
      const cost = 50 + Math.floor(Math.exp(rnd() * 7));
      const id = `r${i}`;
      const a = mem.reserveSync(now, ops(now, cost, id));
      const b = await red.reserve(now, ops(now, cost, id));
      expect(b).toEqual(a);
      if (a.ok) live.push({ id, mem: null, red: null, cost, at: now });
      // Settle the oldest in-flight request to a random actual usage.
      if (live.length > 2 || (live.length > 0 && rnd() < 0.5)) {
        const r = live.shift() as (typeof live)[number];
        const o = ops(r.at, r.cost, r.id);
        const held = o.map((x) => ({
          key: x.key,
          type: x.type,
          bucket: x.type === "s" ? Math.floor(r.at / x.p1) : 0,
          id: x.id,
          reserved: x.cost,
        }));
        const actual = Math.floor(rnd() * r.cost * 1.5);
        const deltas = [actual - r.cost, actual - r.cost, -1];
        mem.adjustSync(held, deltas);
        await red.adjust(held, deltas);
      }
    }
    await red.close();
  });

  it("never lets concurrent replicas exceed a limit together", async () => {
    const stores = [0, 1, 2, 3].map(() => new RedisStore(redis.url));
    await Promise.all(stores.map((s) => s.ready()));
    const now = T0 + 10 * 60_000;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (stores[i % 4] as RedisStore).reserve(now, [
          slidingOp("tessera:q:{race}:m", "tpm", 5_000, 100, 60_000),
        ]),
      ),
    );
    expect(results.filter((r) => r.ok).length).toBe(50);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("applies fail-closed, fail-open and local fallback when Redis is down", async () => {
    const down = new RedisStore("redis://127.0.0.1:1", { commandTimeoutMs: 100 });
    const plan = (cost: number): PlannedOp[] => [
      { dim: "total", op: slidingOp("k", "total-tokens-per-minute", 1000, cost, 60_000) },
    ];
    const u = { input: 1, output: 1 };
    const modes: string[] = [];
    const hooks = { onStoreError: (_s: string, _e: unknown, m: string) => modes.push(m) };
    const closed = await new Limiter(down, "closed", hooks).reserve(T0, plan(10), u);
    expect(closed.ok).toBe(false);
    expect((await new Limiter(down, "open", hooks).reserve(T0, plan(9999), u)).ok).toBe(true);
    const local = new Limiter(down, "local", hooks);
    expect((await local.reserve(T0, plan(800), u)).ok).toBe(true);
    expect((await local.reserve(T0, plan(800), u)).ok).toBe(false);
    expect(modes).toEqual(["closed", "open", "local", "local"]);
    await down.close();
  });
});

describe("router → usage stream (the format apps/api consumes)", () => {
  it("writes one event per request with tenant, key, tokens and timings", async () => {
    const redis = await startRedis();
    const { engines, port } = await startFakeEngines(1, 73);
    const keyHash = createHash("sha256").update("sk-e2e").digest("hex");
    const t = await startRouter(
      [
        modelServer("s", {
          workloadPort: { port },
          workloadSelector: { matchLabels: { app: "s" } },
        }),
        pod("p0", "127.0.0.73", { app: "s" }),
        modelRoute("r", { modelName: "m", rules: [{ targetModels: [{ modelServerName: "s" }] }] }),
        {
          apiVersion: "tessera.io/v1alpha1",
          kind: "Tenant",
          metadata: { name: "acme" },
          spec: { quotas: [{ model: "*", totalTokensPerMinute: 1000, requestsPerMinute: 2 }] },
        },
        {
          apiVersion: "tessera.io/v1alpha1",
          kind: "ApiKey",
          metadata: { name: "0b7c9f4e-2f4a-4d7e-9a51-6f0f1c2d3e4f" },
          spec: { tenant: "acme", keyHash, prefix: "sk-e2e" },
        },
      ],
      { scraper: { intervalMs: 0 }, tenancy: { redisUrl: redis.url, usage: { cluster: "c1" } } },
    );
    try {
      await (t.router.tenancy?.limiter.store as RedisStore).ready();
      const auth = { authorization: "Bearer sk-e2e", "x-request-id": "req-e2e-1" };
      expect((await postJson(`${t.url}/v1/chat/completions`, chat("m"), auth)).status).toBe(200);
      const auth2 = { ...auth, "x-request-id": "req-e2e-2" };
      expect((await postJson(`${t.url}/v1/chat/completions`, chat("m"), auth2)).status).toBe(200);
      // requestsPerMinute: 2, shared through Redis.
      const third = await postJson(`${t.url}/v1/chat/completions`, chat("m"), auth);
      expect(third.status).toBe(429);
      expect(third.headers.get("x-ratelimit-scope")).toBe("requests-per-minute");
      const c = new Redis(redis.url);
      let entries: [string, string[]][] = [];
      for (let i = 0; i < 50 && entries.length < 3; i++) {
        entries = await c.xrange("tessera:usage", "-", "+");
        await new Promise((r) => setTimeout(r, 50));
      }
      c.disconnect();
      // Two served requests and the refused one: the caller was known, so the refusal is metered.
      expect(entries).toHaveLength(3);
      const [e, , refused] = entries.map(
        ([, fields]) => JSON.parse(fields[1] as string) as Record<string, unknown>,
      );
      expect(refused).toMatchObject({
        clientRequestId: "req-e2e-1",
        tenant: "acme",
        model: "m",
        statusCode: 429,
        inputTokens: 0,
        outputTokens: 0,
      });
      expect(refused).not.toHaveProperty("modelServer");
      if (e === undefined) throw new Error("no first event");
      expect(e).toMatchObject({
        clientRequestId: "req-e2e-1",
        tenant: "acme",
        credential: { type: "apiKey", id: "0b7c9f4e-2f4a-4d7e-9a51-6f0f1c2d3e4f" },
        apiKeyId: "0b7c9f4e-2f4a-4d7e-9a51-6f0f1c2d3e4f",
        model: "m",
        servedModel: "m",
        cluster: "c1",
        modelServer: "default/s",
        inputTokens: 7,
        cachedInputTokens: 0,
        outputTokens: 3,
        statusCode: 200,
      });
      // The idempotency key is the router's, not the client's x-request-id.
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof e.durationMs).toBe("number");
      expect(Number.isNaN(Date.parse(e.occurredAt as string))).toBe(false);
    } finally {
      await t.close();
      await Promise.all(engines.map((x) => x.close()));
      await redis.stop();
    }
  });
});

describe("usage stream writer", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tessera-usage-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ev = (i: number): UsageEvent => ({
    requestId: `req-${i}`,
    clientRequestId: "reused-by-the-client",
    tenant: "a",
    credential: { type: "apiKey", id: "11111111-1111-4111-8111-111111111111" },
    apiKeyId: "11111111-1111-4111-8111-111111111111",
    model: "m",
    inputTokens: 10,
    cachedInputTokens: 2,
    outputTokens: 5,
    ttftMs: 12,
    durationMs: 40,
    statusCode: 200,
    occurredAt: new Date(T0).toISOString(),
  });

  it("spools while Redis is down and replays every record once it is back", async () => {
    const redis = await startRedis();
    const spool = join(dir, "usage.spool");
    const client = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on("error", () => {});
    await new Promise((r) => client.once("ready", r));
    const w = new UsageStreamWriter({ redis: client, spoolPath: spool, flushMs: 5 });
    for (let i = 0; i < 3; i++) w.push(ev(i));
    await w.flush();
    expect(w.written).toBe(3);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 3; i < 10; i++) w.push(ev(i));
    await w.close(); // router shutting down while Redis is away
    expect(w.spooled).toBe(7);
    expect((await readFile(spool, "utf8")).trim().split("\n")).toHaveLength(7);
    client.disconnect();

    // "Restart": Redis back on the same port, a new writer replays the spool at start.
    const again = await startRedis(redis.port);
    const c2 = new Redis(again.url);
    await new Promise((r) => c2.once("ready", r));
    const w2 = new UsageStreamWriter({ redis: c2, spoolPath: spool });
    await w2.start();
    const entries = (await c2.xrange("tessera:usage", "-", "+")) as [string, string[]][];
    const replayed = entries.map(([, f]) => JSON.parse(f[1] as string) as UsageEvent);
    const ids = replayed.map((e) => e.requestId);
    // Redis restarted without persistence, so only the replayed 7 are there: none lost, each with
    // the requestId it had when first written, so the API's ingest still deduplicates them.
    expect(ids.sort()).toEqual([3, 4, 5, 6, 7, 8, 9].map((i) => `req-${i}`).sort());
    expect(replayed.every((e) => e.clientRequestId === "reused-by-the-client")).toBe(true);
    expect(entries[0]?.[1][0]).toBe("event");
    c2.disconnect();
    await again.stop();
  });
});
