// Batched settles against a real redis-server: a batch goes out when it is full, after flushMs and
// at shutdown; adjustments of one line are summed into one command; a reservation is never settled
// twice; several limiter instances (router replicas) sharing one Redis neither over-admit nor lose
// a settle; a batch Redis does not take is reported as a settle error, not thrown.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import { Limiter } from "../src/tenancy/quota/limiter.ts";
import type { PlannedOp, Reservation } from "../src/tenancy/quota/limiter.ts";
import { RedisStore } from "../src/tenancy/quota/redis-store.ts";
import { hashTag } from "../src/tenancy/quota/settle-batch.ts";
import { tenantPlan } from "../src/tenancy/quota/plan.ts";
import { concurrencyOp, slidingOp } from "../src/tenancy/quota/windows.ts";
import { startRedis } from "./redis-server.ts";
import type { RedisProc } from "./redis-server.ts";

const T0 = Date.UTC(2026, 5, 30, 12, 0, 0);

/** A total-tokens line and a concurrency slot for `tenant`, as tenantPlan writes them. */
function plan(tenant: string, cost: number, id: string, limit = 1_000_000): PlannedOp[] {
  return [
    { dim: "total", op: slidingOp(`tessera:q:{${tenant}}:total:m`, "tpm", limit, cost, 60_000) },
    { dim: "concurrent", op: concurrencyOp(`tessera:q:{${tenant}}:conc`, "conc", 1e6, id, 60_000) },
  ];
}

async function reserved(lim: Limiter, p: PlannedOp[], input: number, output: number) {
  const d = await lim.reserve(T0, p, { input, output });
  if (!d.ok) throw new Error(`denied: ${d.label}`);
  return d.reservation;
}

async function evalshaCalls(c: Redis): Promise<number> {
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(await c.info("commandstats"));
  return Number(m?.[1] ?? 0);
}

describe("batched settles on Redis", () => {
  let redis: RedisProc;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });

  const sum = async (tenant: string) =>
    Number((await admin.hget(`tessera:q:{${tenant}}:total:m`, "s")) ?? 0);
  const inFlight = (tenant: string) => admin.zcard(`tessera:q:{${tenant}}:conc`);

  it("names Redis Cluster hash tags as the server does", () => {
    expect(hashTag("tessera:q:{acme:m}:total:m")).toBe("acme:m");
    expect(hashTag("a{}b{c}")).toBe("a{}b{c}");
    expect(hashTag("plain")).toBe("plain");
  });

  it("sums the settles of many requests into one command per tenant per flush", async () => {
    const store = new RedisStore(redis.url, { settleFlushMs: 50 });
    await store.ready();
    const lim = new Limiter(store, "closed");
    const held: Reservation[] = [];
    for (let i = 0; i < 20; i++) held.push(await reserved(lim, plan("a", 100, `a${i}`), 60, 40));
    for (let i = 0; i < 10; i++) held.push(await reserved(lim, plan("b", 100, `b${i}`), 60, 40));
    expect(await sum("a")).toBe(2000);
    const before = await evalshaCalls(admin);
    // Every request used 30 of its 100 tokens; the streamed ones charged progress first.
    await Promise.all(
      held.map(async (r, i) => {
        if (i % 2 === 0) void r.settle({ input: 60, output: 90 }, false);
        await r.settle({ input: 20, output: 10 });
      }),
    );
    expect(await sum("a")).toBe(20 * 30);
    expect(await sum("b")).toBe(10 * 30);
    expect(await inFlight("a")).toBe(0);
    expect(await inFlight("b")).toBe(0);
    // Two tenants (hash tags): two EVALSHAs per batch. The progress charges and the final settles
    // may land in one batch or two, never one call per request (30 requests, 45 settles).
    const calls = (await evalshaCalls(admin)) - before;
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(4);
    await store.close();
  });

  it("flushes at once when the buffer is full, without waiting for the timer", async () => {
    const store = new RedisStore(redis.url, { settleFlushMs: 60_000, settleMaxLines: 5 });
    await store.ready();
    const lim = new Limiter(store, "closed");
    const held: Reservation[] = [];
    for (let i = 0; i < 4; i++) held.push(await reserved(lim, plan("full", 100, `f${i}`), 50, 50));
    const t0 = Date.now();
    // Four releases are five lines for the script: one per slot, and the four returns to the
    // same bucket summed into one.
    await Promise.all(held.map((r) => r.release()));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(store.settles.batches).toBe(1);
    expect(await sum("full")).toBe(0);
    expect(await inFlight("full")).toBe(0);
    await store.close();
  });

  it("sends what is pending when the store closes (router shutdown)", async () => {
    const store = new RedisStore(redis.url, { settleFlushMs: 60_000 });
    await store.ready();
    const lim = new Limiter(store, "closed");
    const r = await reserved(lim, plan("shut", 500, "s1"), 100, 400);
    void r.settle({ input: 100, output: 7 });
    await new Promise((res) => setTimeout(res, 50));
    expect(store.settles.pending).toBe(2);
    expect(await sum("shut")).toBe(500); // still waiting for the 60 s timer
    await store.close();
    expect(await sum("shut")).toBe(107);
    expect(await inFlight("shut")).toBe(0);
  });

  it("settles a reservation once, whatever the server calls after the final settle", async () => {
    const store = new RedisStore(redis.url);
    await store.ready();
    const lim = new Limiter(store, "closed");
    const r = await reserved(lim, plan("once", 300, "o1"), 100, 200);
    await r.settle({ input: 100, output: 50 });
    await r.settle({ input: 100, output: 10 });
    await r.release();
    await r.settle({ input: 100, output: 900 }, false);
    await store.settles.flush();
    expect(await sum("once")).toBe(150);
    expect(await inFlight("once")).toBe(0);
    await store.close();
  });

  it("lets four replicas on one Redis neither over-admit nor lose a settle", async () => {
    const limit = 20_000;
    const stores = [0, 1, 2, 3].map(() => new RedisStore(redis.url, { settleFlushMs: 3 }));
    await Promise.all(stores.map((s) => s.ready()));
    const lims = stores.map((s) => new Limiter(s, "closed"));
    const rnd = mulberry32(11);
    let admitted = 0;
    let denied = 0;
    let charged = 0;
    const q = { model: "*", totalTokensPerMinute: limit, concurrentRequests: 1_000_000 };
    const one = async (i: number) => {
      const input = 50 + Math.floor(rnd() * 200);
      const out = 100 + Math.floor(rnd() * 300);
      const res = { input, output: out };
      const p = tenantPlan("race", q, T0, res, `x${i}`, 60_000);
      const d = await (lims[i % 4] as Limiter).reserve(T0, p, res);
      if (!d.ok) {
        denied++;
        return;
      }
      admitted++;
      // The held total in Redis may never exceed the limit, whatever the interleaving.
      const r0 = d.result?.remaining[0] ?? -1;
      expect(r0).toBeGreaterThanOrEqual(0);
      const used = Math.floor(rnd() * out);
      if (rnd() < 0.5) void d.reservation.settle({ input, output: Math.floor(used / 2) }, false);
      await new Promise((res2) => setTimeout(res2, Math.floor(rnd() * 4)));
      charged += input + used;
      await d.reservation.settle({ input, output: used });
    };
    await Promise.all(Array.from({ length: 400 }, (_, i) => one(i)));
    await Promise.all(stores.map((s) => s.close()));
    expect(admitted).toBeGreaterThan(0);
    expect(denied).toBeGreaterThan(0);
    const key = `tessera:q:{race:*}:total:m`;
    // Every settle arrived exactly once: Redis holds what the admitted requests actually used.
    expect(Number(await admin.hget(key, "s"))).toBe(charged);
    expect(charged).toBeLessThanOrEqual(limit);
    expect(await admin.zcard(`tessera:q:{race:*}:conc`)).toBe(0);
  });

  it("reports a batch Redis does not take as a settle error and keeps serving", async () => {
    const own = await startRedis();
    const store = new RedisStore(own.url, { settleFlushMs: 5, commandTimeoutMs: 100 });
    await store.ready();
    const modes: string[] = [];
    const lim = new Limiter(store, "closed", {
      onStoreError: (_s, _e, m) => modes.push(m),
    });
    const r = await reserved(lim, plan("gone", 100, "g1"), 50, 50);
    await own.stop();
    await new Promise((res) => setTimeout(res, 50));
    await r.settle({ input: 50, output: 1 });
    expect(modes).toEqual(["settle"]);
    expect(r.settled).toBe(true);
    await store.close();
  });
});
