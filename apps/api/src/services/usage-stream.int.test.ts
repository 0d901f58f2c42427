// The usage stream consumer against a real redis-server and PostgreSQL: at-least-once delivery
// (a consumer that dies before acking leaves its entries pending; the next one re-reads them) and
// idempotent ingest by request id.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, unique } from "../testing/harness.ts";
import type { TestApp } from "../testing/harness.ts";
import { usageStreamConsumer } from "./usage-stream.ts";

let t: TestApp;
let redisProc: ChildProcess;
let redisDir: string;
let url: string;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  t = await createTestApp();
  redisDir = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-redis-"));
  const port = await freePort();
  redisProc = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      redisDir,
    ],
    { stdio: "ignore" },
  );
  url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 100 });
  probe.on("error", () => {});
  for (let i = 0; i < 50; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
});
afterAll(async () => {
  await t?.close();
  redisProc?.kill("SIGTERM");
  await fs.rm(redisDir, { recursive: true, force: true });
});

const waitFor = async (what: string, fn: () => Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("usage stream ingest", () => {
  it("ingests each request once, redelivers what was not acked, and sets aside bad events", async () => {
    const stream = unique("usage");
    const tenant = await t.services.tenants.create(
      { actor: null },
      { slug: unique("t"), name: "T" },
    );
    const { key } = await t.services.keys.create(
      { actor: null },
      { tenantId: tenant.id, name: "k", models: [] },
    );
    const event = (requestId: string) =>
      JSON.stringify({
        requestId,
        tenant: tenant.slug,
        apiKeyId: key.id,
        model: "llama",
        inputTokens: 10,
        outputTokens: 5,
        durationMs: 100,
        statusCode: 200,
        occurredAt: Date.now(),
      });
    const redis = new Redis(url);
    const rid = unique("r");
    await redis.xadd(stream, "*", "event", event(`${rid}-1`));
    await redis.xadd(stream, "*", "event", event(`${rid}-1`)); // the router retried the publish
    await redis.xadd(stream, "*", "event", "{not json");

    // First consumer: ingests but "crashes" before acking the second entry.
    let seen = 0;
    const crashing = usageStreamConsumer({
      redisUrl: url,
      stream,
      consumer: "c1",
      blockMs: 200,
      usage: {
        ...t.services.usage,
        ingest: async (raw: unknown) => {
          seen++;
          if (seen === 2) throw new Error("database went away");
          return t.services.usage.ingest(raw);
        },
      },
      log: { warn: () => {} },
    });
    crashing.start();
    await waitFor("first event", () => Promise.resolve(seen >= 2));
    await crashing.stop();
    expect(await redis.xpending(stream, "tessera-api")).toEqual(expect.arrayContaining([2]));

    // Same consumer name restarts: pending entries first, then new ones.
    await redis.xadd(stream, "*", "event", event(`${rid}-2`));
    const results: string[] = [];
    const consumer = usageStreamConsumer({
      redisUrl: url,
      stream,
      consumer: "c1",
      blockMs: 200,
      usage: t.services.usage,
      onResult: (r) => results.push(r),
      log: { warn: () => {} },
    });
    consumer.start();
    await waitFor("all events", () => Promise.resolve(results.length >= 3));
    await consumer.stop();
    expect(results).toEqual(["duplicate", "rejected", "ingested"]);
    expect((await redis.xpending(stream, "tessera-api"))[0]).toBe(0);
    expect(await redis.xlen(`${stream}:rejected`)).toBe(1);
    redis.disconnect();

    const today = new Date();
    const summary = await t.services.usage.summary({
      tenantId: tenant.id,
      from: today,
      to: today,
      groupBy: ["model"],
    });
    expect(summary.totals).toMatchObject({ requests: 2, inputTokens: 20, outputTokens: 10 });
  });
});
