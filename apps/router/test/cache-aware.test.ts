// Cache-aware scheduling against simulated engines: kv-cache-aware follows the engines' KV events
// (exact block hashes), prefix-cache learns router-locally; and the scraper normalises the vLLM,
// SGLang and TGI metric dialects of live simulated engines.
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import { syntheticText } from "@tessera/shared/tokens/tokenizer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRouter } from "./helpers.ts";
import { modelRoute, modelServer, pod, postJson, startRouter, waitFor } from "./helpers.ts";

const SCHED = (plugin: string) => ({
  kind: "SchedulerConfig",
  plugins: [
    {
      type: plugin,
      parameters:
        plugin === "kv-cache-aware" ? { blockSize: 16, resubscribeMs: 50 } : { blockSize: 64 },
    },
    { type: "least-request" },
  ],
  profiles: [
    {
      name: "default",
      plugins: [
        { pluginRef: plugin, weight: 10 },
        { pluginRef: "least-request", weight: 1 },
      ],
    },
  ],
});

for (const plugin of ["kv-cache-aware", "prefix-cache"]) {
  describe(`${plugin} with simulated engines`, () => {
    const sims: SimServer[] = [];
    let t: TestRouter;

    beforeAll(async () => {
      const base = 100 + (plugin === "prefix-cache" ? 10 : 0);
      const first = await startSimServer({
        host: `127.0.0.${base}`,
        model: "sim",
        timeScale: 0.01,
        kvEvents: true,
      });
      sims.push(first);
      for (let i = 1; i < 3; i++)
        sims.push(
          await startSimServer({
            host: `127.0.0.${base + i}`,
            port: first.port,
            model: "sim",
            timeScale: 0.01,
            seed: i,
            kvEvents: true,
          }),
        );
      t = await startRouter([
        modelServer("sim", {
          workloadPort: { port: first.port },
          workloadSelector: { matchLabels: { app: "sim" } },
        }),
        ...sims.map((s, i) => pod(`sim-${i}`, s.host, { app: "sim" })),
        modelRoute("sim", {
          modelName: "sim",
          rules: [{ targetModels: [{ modelServerName: "sim" }] }],
        }),
        SCHED(plugin),
      ]);
      if (plugin === "kv-cache-aware") {
        await waitFor(() => {
          const sc = t.router.scheduler.profile("default").scorers[0]?.plugin.stats?.();
          return sc?.subscriptions === 3;
        });
      }
    });

    afterAll(async () => {
      await t.close();
      await Promise.all(sims.map((s) => s.close()));
    });

    it("sends requests sharing a long prefix to the engine that holds it", async () => {
      const prefix = syntheticText(400, 7);
      const first = await postJson(`${t.url}/v1/completions`, {
        model: "sim",
        prompt: `${prefix} first`,
        max_tokens: 2,
      });
      expect(first.status).toBe(200);
      const owner = t.access.at(-1)?.selected_pod;
      if (plugin === "kv-cache-aware") {
        // Wait until the engine's BlockStored events reached the index.
        await waitFor(
          () =>
            Number(
              t.router.scheduler.profile("default").scorers[0]?.plugin.stats?.().blocks ?? 0,
            ) >= 20,
        );
      }
      for (let i = 0; i < 6; i++) {
        const r = await postJson(`${t.url}/v1/completions`, {
          model: "sim",
          prompt: `${prefix} follow-up ${i}`,
          max_tokens: 2,
        });
        expect(r.status).toBe(200);
        expect(t.access.at(-1)?.selected_pod).toBe(owner);
      }
      const hits = sims.map((s) => s.engine.snapshot());
      expect(hits.some((h) => h.prefixHits > 0)).toBe(true);
    });
  });
}

describe("metric scraping of live simulated engines", () => {
  const sims: SimServer[] = [];
  let t: TestRouter;

  beforeAll(async () => {
    const v = await startSimServer({ host: "127.0.0.120", model: "sim", timeScale: 0.01 });
    const s = await startSimServer({
      host: "127.0.0.121",
      port: v.port,
      model: "sim",
      engine: "sglang",
      timeScale: 0.01,
    });
    const g = await startSimServer({
      host: "127.0.0.122",
      port: v.port,
      model: "sim",
      engine: "tgi",
      timeScale: 0.01,
    });
    sims.push(v, s, g);
    t = await startRouter([
      modelServer("sim", {
        workloadPort: { port: v.port },
        workloadSelector: { matchLabels: { app: "sim" } },
      }),
      ...sims.map((x, i) => pod(`sim-${i}`, x.host, { app: "sim" })),
      modelRoute("sim", {
        modelName: "sim",
        rules: [{ targetModels: [{ modelServerName: "sim" }] }],
      }),
    ]);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(sims.map((x) => x.close()));
  });

  it("normalises vLLM, SGLang and TGI metrics, with histogram-delta latencies", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postJson(`${t.url}/v1/completions`, {
          model: "sim",
          prompt: syntheticText(50, i),
          max_tokens: 20,
        }),
      ),
    );
    await waitFor(
      () => [...t.router.pool.all()].every((e) => !Number.isNaN(e.metrics.tpotSeconds)),
      5_000,
    );
    for (const e of t.router.pool.all()) {
      expect(e.metrics.updatedAt).toBeGreaterThan(0);
      expect(e.metrics.running).toBeGreaterThanOrEqual(0);
      expect(e.metrics.waiting).toBeGreaterThanOrEqual(0);
      expect(e.metrics.tpotSeconds).toBeGreaterThan(0);
      expect(e.healthy).toBe(true);
    }
    const byHost = new Map([...t.router.pool.all()].map((e) => [e.address, e.metrics]));
    expect(byHost.get("127.0.0.120")?.kvCacheUsage).toBeGreaterThanOrEqual(0);
    expect(byHost.get("127.0.0.121")?.kvCacheUsage).toBeGreaterThanOrEqual(0);
    expect(byHost.get("127.0.0.120")?.ttftSeconds).toBeGreaterThan(0);
  });

  it("marks an endpoint unhealthy when its scrapes fail, and routes around it", async () => {
    const g = sims[2] as SimServer;
    await g.close();
    await waitFor(
      () => [...t.router.pool.all()].some((e) => e.address === "127.0.0.122" && !e.healthy),
      5_000,
    );
    for (let i = 0; i < 10; i++) {
      const r = await postJson(`${t.url}/v1/completions`, {
        model: "sim",
        prompt: "hello",
        max_tokens: 2,
      });
      expect(r.status).toBe(200);
      expect(t.access.at(-1)?.upstream_attempts).toBe(1);
    }
    const unhealthy = async () =>
      (await (await fetch(`${t.url}/metrics`)).text()).match(
        /tessera_router_endpoints\{state="unhealthy"\} (\d+)/,
      )?.[1];
    const end = Date.now() + 3_000;
    while ((await unhealthy()) !== "1") {
      if (Date.now() > end) throw new Error("endpoint never counted as unhealthy");
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
