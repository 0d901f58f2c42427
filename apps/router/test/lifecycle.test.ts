// Router lifecycle and seams: graceful shutdown drains streams, a separate metrics listener, the
// scheduler-config file hot reload, the admission and usage seams.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsageRecord } from "../src/framework/request-control.ts";
import { Router } from "../src/router.ts";
import { FileSource } from "../src/sources/file/file-source.ts";
import type { FakeEngine } from "./helpers.ts";
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

describe("router lifecycle", () => {
  let engines: FakeEngine[];
  let port: number;
  const docs = () => [
    modelServer("s", { workloadPort: { port }, workloadSelector: { matchLabels: { app: "s" } } }),
    pod("s-0", engines[0]?.host ?? "", { app: "s" }),
    modelRoute("r", { modelName: "m", rules: [{ targetModels: [{ modelServerName: "s" }] }] }),
  ];

  beforeAll(async () => {
    ({ engines, port } = await startFakeEngines(1, 141, { chunks: 20, chunkGapMs: 20 }));
  });

  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
  });

  it("drains an in-flight stream on shutdown and reports not ready meanwhile", async () => {
    const t = await startRouter(docs(), { scraper: { intervalMs: 0 } });
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify(chat("m", { stream: true })),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const closing = t.close();
    expect(t.router.readiness()).toContain("draining");
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await closing;
    expect(text).toContain("t19");
    expect(text).toContain("[DONE]");
  });

  it("serves /metrics and /readyz on a separate admin port when configured", async () => {
    const r = new Router({
      logger: pino({ level: "silent" }),
      defaultMetrics: false,
      scraper: { intervalMs: 0 },
    });
    r.applySnapshot({ modelRoutes: [], modelServers: [], pods: [] });
    r.start();
    const { port: api, metricsPort } = await r.listen(0, "127.0.0.1", 0);
    expect(metricsPort).not.toBeNull();
    expect((await fetch(`http://127.0.0.1:${api}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/models`)).status).toBe(404);
    await r.close();
  });

  it("hot-reloads the scheduler config file, keeping the objects", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tessera-sched-"));
    const sched = join(dir, "scheduler.yaml");
    await writeFile(sched, "plugins:\n  - type: round-robin\n");
    const t = await startRouter(docs(), { scraper: { intervalMs: 0 } });
    const src = new FileSource(t.router, { schedulerConfigPath: sched, debounceMs: 5, pollMs: 50 });
    await src.start();
    try {
      expect(t.router.scheduler.profile("default").picker.plugin.typedName.type).toBe(
        "round-robin",
      );
      await writeFile(sched, "plugins:\n  - type: least-request\n  - type: random\n");
      await waitFor(
        () => t.router.scheduler.profile("default").picker.plugin.typedName.type === "random",
        3_000,
      );
      expect((await postJson(`${t.url}/v1/chat/completions`, chat("m"))).status).toBe(200);
      await writeFile(sched, "plugins:\n  - type: no-such-plugin\n");
      await waitFor(() => src.lastError !== null, 3_000);
      expect(src.lastError).toMatch(/unknown plugin type "no-such-plugin"/);
      expect(t.router.scheduler.profile("default").picker.plugin.typedName.type).toBe("random");
    } finally {
      src.close();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs admitters before routing and usage hooks after the response", async () => {
    const usage: UsageRecord[] = [];
    const t = await startRouter(docs(), {
      scraper: { intervalMs: 0 },
      admitters: [
        {
          name: "deny-header",
          admit: (input) =>
            input.headers["x-deny"] === "1"
              ? { status: 429, code: "quota_exceeded", message: "over quota" }
              : null,
        },
      ],
      usageHooks: [{ name: "collect", onUsage: (r) => usage.push(r) }],
    });
    try {
      const denied = await postJson(`${t.url}/v1/chat/completions`, chat("m"), { "x-deny": "1" });
      expect(denied.status).toBe(429);
      expect(denied.json).toMatchObject({
        error: { code: "admission_denied", message: "over quota" },
      });
      expect((engines[0] as FakeEngine).received.some((r) => r.headers["x-deny"] === "1")).toBe(
        false,
      );
      const ok = await postJson(`${t.url}/v1/chat/completions`, chat("m"));
      expect(ok.status).toBe(200);
      await waitFor(() => usage.length === 1);
      expect(usage[0]).toMatchObject({
        model: "m",
        modelServer: "default/s",
        statusCode: 200,
        inputTokens: 7,
        outputTokens: 3,
        tenant: null,
        apiKey: null,
      });
    } finally {
      await t.close();
    }
  });
});
