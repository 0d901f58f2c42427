// kv-cache-aware with `index: redis` against a real redis-server: one router replica consumes the
// engines' KV event streams and mirrors them into Redis, another only reads the shared index.
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import { syntheticText } from "@tessera/shared/tokens/tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRouter } from "./helpers.ts";
import { modelRoute, modelServer, pod, postJson, startRouter, waitFor } from "./helpers.ts";
import { startRedis } from "./redis-server.ts";
import type { RedisProc } from "./redis-server.ts";

describe("kv-cache-aware with a Redis index shared by two router replicas", () => {
  const sims: SimServer[] = [];
  let writer: TestRouter;
  let reader: TestRouter;
  let redis: RedisProc;

  beforeAll(async () => {
    redis = await startRedis();
    const first = await startSimServer({
      host: "127.0.0.150",
      model: "sim",
      timeScale: 0.01,
      kvEvents: true,
    });
    sims.push(first);
    for (let i = 1; i < 3; i++)
      sims.push(
        await startSimServer({
          host: `127.0.0.${150 + i}`,
          port: first.port,
          model: "sim",
          timeScale: 0.01,
          seed: i,
          kvEvents: true,
        }),
      );
    const objects = [
      modelServer("sim", {
        workloadPort: { port: first.port },
        workloadSelector: { matchLabels: { app: "sim" } },
      }),
      ...sims.map((s, i) => pod(`sim-${i}`, s.host, { app: "sim" })),
      modelRoute("sim", {
        modelName: "sim",
        rules: [{ targetModels: [{ modelServerName: "sim" }] }],
      }),
    ];
    const sched = (subscribe: boolean) => ({
      kind: "SchedulerConfig",
      plugins: [
        {
          type: "kv-cache-aware",
          parameters: {
            index: "redis",
            redis: { url: redis.url, keyPrefix: `t${process.pid}:` },
            subscribe,
            resubscribeMs: 50,
          },
        },
        { type: "least-request" },
      ],
      profiles: [
        {
          name: "default",
          plugins: [
            { pluginRef: "kv-cache-aware", weight: 10 },
            { pluginRef: "least-request", weight: 1 },
          ],
        },
      ],
    });
    // The writer subscribes to the engines' KV events and mirrors them into Redis; the reader only reads.
    writer = await startRouter([...objects, sched(true)]);
    reader = await startRouter([...objects, sched(false)]);
    await waitFor(
      () =>
        writer.router.scheduler.profile("default").scorers[0]?.plugin.stats?.().subscriptions === 3,
    );
    expect(
      reader.router.scheduler.profile("default").scorers[0]?.plugin.stats?.().subscriptions,
    ).toBe(0);
  });

  afterAll(async () => {
    await writer.close();
    await reader.close();
    await Promise.all(sims.map((s) => s.close()));
    await redis.stop();
  });

  it("a replica without event streams routes by the index another replica maintains", async () => {
    const prefix = syntheticText(400, 11);
    const first = await postJson(`${writer.url}/v1/completions`, {
      model: "sim",
      prompt: `${prefix} first`,
      max_tokens: 2,
    });
    expect(first.status).toBe(200);
    const owner = writer.access.at(-1)?.selected_pod;
    // Wait until the owner's blocks are visible to the reader (events → writer → Redis).
    const probe = async () => {
      await postJson(`${reader.url}/v1/completions`, {
        model: "sim",
        prompt: `${prefix} probe`,
        max_tokens: 1,
      });
      return reader.access.at(-1)?.selected_pod === owner;
    };
    const end = Date.now() + 5_000;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error("reader never saw the owner's blocks");
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < 6; i++) {
      const r = await postJson(`${reader.url}/v1/completions`, {
        model: "sim",
        prompt: `${prefix} follow-up ${i}`,
        max_tokens: 2,
      });
      expect(r.status).toBe(200);
      expect(reader.access.at(-1)?.selected_pod).toBe(owner);
    }
  });
});
