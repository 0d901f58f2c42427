// Upstream failure handling and streaming behaviour: retry to the next-best endpoint, trafficPolicy
// retry and timeout, client disconnects cancelling the upstream request, chunk-by-chunk streaming.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeEngine, TestRouter } from "./helpers.ts";
import {
  chat,
  modelRoute,
  modelServer,
  pod,
  postJson,
  startFakeEngines,
  startRouter,
  waitFor,
} from "./helpers.ts";

describe("proxying", () => {
  let good: FakeEngine[];
  let bad: FakeEngine[];
  let slow: FakeEngine[];
  let port: number;
  let t: TestRouter;

  beforeAll(async () => {
    ({ engines: good, port } = await startFakeEngines(1, 31, { chunks: 40, chunkGapMs: 25 }));
    bad = [];
    for (const [i, status] of [500, 503].entries()) {
      const { FakeEngine } = await import("./helpers.ts");
      const e = new FakeEngine(`bad${i}`, `127.0.0.${32 + i}`, { status });
      await e.listen(port);
      bad.push(e);
    }
    const { FakeEngine } = await import("./helpers.ts");
    const s = new FakeEngine("slow", "127.0.0.35", { delayMs: 1_000 });
    await s.listen(port);
    slow = [s];
    const sel = (app: string) => ({
      workloadPort: { port },
      workloadSelector: { matchLabels: { app } },
    });
    t = await startRouter(
      [
        // "mixed": one good endpoint, two answering 5xx, one refusing connections (nothing listens on .34).
        modelServer("mixed", sel("mixed")),
        pod("good", "127.0.0.31", { app: "mixed" }),
        pod("bad-500", "127.0.0.32", { app: "mixed" }),
        pod("bad-503", "127.0.0.33", { app: "mixed" }),
        pod("refuses", "127.0.0.34", { app: "mixed" }),
        // "only-bad": retry policy with 2 attempts over failing endpoints.
        modelServer("only-bad", {
          ...sel("only-bad"),
          trafficPolicy: { retry: { attempts: 2, retryInterval: "10ms" } },
        }),
        pod("ob-500", "127.0.0.32", { app: "only-bad" }),
        pod("ob-503", "127.0.0.33", { app: "only-bad" }),
        // "slow": header wait bounded by trafficPolicy.timeout.
        modelServer("slow", { ...sel("slow"), trafficPolicy: { timeout: "200ms" } }),
        pod("slow-0", "127.0.0.35", { app: "slow" }),
        modelServer("stream", sel("stream")),
        pod("stream-0", "127.0.0.31", { app: "stream" }),
        modelRoute("mixed", {
          modelName: "mixed",
          rules: [{ targetModels: [{ modelServerName: "mixed" }] }],
        }),
        modelRoute("only-bad", {
          modelName: "only-bad",
          rules: [{ targetModels: [{ modelServerName: "only-bad" }] }],
        }),
        modelRoute("slow", {
          modelName: "slow",
          rules: [{ targetModels: [{ modelServerName: "slow" }] }],
        }),
        modelRoute("stream", {
          modelName: "stream",
          rules: [{ targetModels: [{ modelServerName: "stream" }] }],
        }),
        {
          kind: "SchedulerConfig",
          plugins: [{ type: "random" }],
          profiles: [{ name: "default", maxCandidates: 5, plugins: [{ pluginRef: "random" }] }],
        },
      ],
      { scraper: { intervalMs: 0 } },
    );
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([...good, ...bad, ...slow].map((e) => e.close()));
  });

  it("retries on refused connections and 5xx until an endpoint answers (every request succeeds)", async () => {
    for (let i = 0; i < 30; i++) {
      const r = await postJson(`${t.url}/v1/chat/completions`, chat("mixed"));
      expect(r.status).toBe(200);
      expect(r.json.served_by).toBe("e0");
    }
    const retried = t.access.filter((e) => e.model_name === "mixed" && e.upstream_attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((e) => e.selected_pod === "default/good:" + String(port))).toBe(true);
    expect(await t.router.metrics.registry.metrics()).toMatch(
      /tessera_router_upstream_retries_total\{server="default\/mixed",reason="(status|connect)"\} [1-9]/,
    );
  });

  it("honours trafficPolicy.retry.attempts and forwards the last engine error", async () => {
    const before = bad.reduce((n, e) => n + e.received.length, 0);
    const r = await postJson(`${t.url}/v1/chat/completions`, chat("only-bad"));
    expect([500, 503]).toContain(r.status);
    expect(bad.reduce((n, e) => n + e.received.length, 0) - before).toBe(3);
    expect(t.access.at(-1)).toMatchObject({ upstream_attempts: 3, error_origin: "upstream" });
  });

  it("bounds the upstream header wait with trafficPolicy.timeout (504)", async () => {
    const t0 = Date.now();
    const r = await postJson(`${t.url}/v1/chat/completions`, chat("slow"));
    expect(r.status).toBe(504);
    expect(r.json).toMatchObject({ error: { code: "upstream_timeout" } });
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it("passes SSE through chunk by chunk (first bytes long before the stream ends)", async () => {
    const t0 = Date.now();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chat("stream", { stream: true })),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    expect(new TextDecoder().decode(first.value)).toContain("t0");
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    const total = Date.now() - t0;
    expect(firstAt).toBeLessThan(total / 3);
    expect(rest).toContain("[DONE]");
    expect(rest).not.toContain('"choices":[]');
  });

  it("cancels the upstream request when the client disconnects mid-stream", async () => {
    const engine = good[0] as FakeEngine;
    const before = engine.closedEarly;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${t.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on("error", () => undefined);
      req.end(JSON.stringify(chat("stream", { stream: true })));
      setTimeout(() => reject(new Error("no data")), 5_000).unref();
    });
    await waitFor(() => engine.closedEarly > before, 3_000);
    await waitFor(() => t.access.at(-1)?.status_code === 499);
    expect(t.router.pool.get(`default/stream-0:${port}`)?.inFlight).toBe(0);
  });
});
