// ModelRoute semantics end to end through the router, against fast fake engines.
import { Pool } from "undici";
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
} from "./helpers.ts";

describe("ModelRoute routing", () => {
  let engines: FakeEngine[];
  let port: number;
  let t: TestRouter;

  beforeAll(async () => {
    ({ engines, port } = await startFakeEngines(4, 21));
    const [a, b, c, d] = engines.map((e) => e.host) as [string, string, string, string];
    t = await startRouter([
      modelServer("premium", {
        model: "org/premium-7b",
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "premium" } },
      }),
      modelServer("v1", {
        model: "org/base-1.5b",
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "v1" } },
      }),
      modelServer("v2", {
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "v2" } },
      }),
      modelServer("lora-host", {
        model: "org/base-7b",
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "lora" } },
      }),
      pod("premium-0", a, { app: "premium" }),
      pod("v1-0", b, { app: "v1" }),
      pod("v2-0", c, { app: "v2" }),
      pod("lora-0", d, { app: "lora" }),
      modelRoute("multi", {
        modelName: "ds",
        rules: [
          {
            name: "premium",
            modelMatch: { headers: { "user-type": { exact: "premium" } } },
            targetModels: [{ modelServerName: "premium" }],
          },
          {
            name: "beta",
            modelMatch: { headers: { "x-tier": { regex: "beta-[0-9]+" } } },
            targetModels: [{ modelServerName: "v2" }],
          },
          {
            name: "uri",
            modelMatch: { uri: { prefix: "/v1/completions" } },
            targetModels: [{ modelServerName: "v2" }],
          },
          {
            name: "default",
            targetModels: [
              { modelServerName: "v1", weight: 70 },
              { modelServerName: "v2", weight: 30 },
            ],
          },
        ],
      }),
      modelRoute("lora", {
        loraAdapters: ["sql-lora", "chat-lora"],
        rules: [{ name: "lora", targetModels: [{ modelServerName: "lora-host" }] }],
      }),
    ]);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
  });

  const servedBy = (r: { json: Record<string, unknown> }) => r.json.served_by;

  it("routes by header rule (exact), first match wins, and rewrites model to ModelServer.spec.model", async () => {
    const r = await postJson(`${t.url}/v1/chat/completions`, chat("ds"), {
      "user-type": "premium",
    });
    expect(r.status).toBe(200);
    expect(servedBy(r)).toBe("e0");
    expect(engines[0]?.received.at(-1)?.body.model).toBe("org/premium-7b");
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("matches header regexes as whole values and URI prefixes", async () => {
    expect(
      servedBy(await postJson(`${t.url}/v1/chat/completions`, chat("ds"), { "x-tier": "beta-42" })),
    ).toBe("e2");
    // "beta-42x" does not fully match: falls through to the weighted default rule.
    const fallthrough = await postJson(`${t.url}/v1/chat/completions`, chat("ds"), {
      "x-tier": "beta-42x",
      "user-type": "basic",
    });
    expect(["e1", "e2"]).toContain(servedBy(fallthrough));
    expect(
      servedBy(
        await postJson(`${t.url}/v1/completions`, { model: "ds", prompt: "x", max_tokens: 2 }),
      ),
    ).toBe("e2");
  });

  it("keeps the request model when the ModelServer has no spec.model", async () => {
    const before = engines[2]?.received.length ?? 0;
    await postJson(`${t.url}/v1/chat/completions`, chat("ds"), { "x-tier": "beta-1" });
    expect(engines[2]?.received[before]?.body.model).toBe("ds");
  });

  it("routes LoRA adapter names through the LoRA index without rewriting the model", async () => {
    const r = await postJson(`${t.url}/v1/chat/completions`, chat("sql-lora"));
    expect(r.status).toBe(200);
    expect(servedBy(r)).toBe("e3");
    expect(engines[3]?.received.at(-1)?.body.model).toBe("sql-lora");
  });

  it("splits weighted targets within ±3% over 10,000 requests", async () => {
    const before1 = engines[1]?.received.length ?? 0;
    const before2 = engines[2]?.received.length ?? 0;
    const total = 10_000;
    const concurrency = 32;
    let next = 0;
    let failed = 0;
    const body = JSON.stringify(chat("ds"));
    const client = new Pool(t.url, { connections: concurrency });
    const worker = async () => {
      while (next < total) {
        next++;
        const r = await client.request({
          method: "POST",
          path: "/v1/chat/completions",
          headers: { "content-type": "application/json" },
          body,
        });
        if (r.statusCode !== 200) failed++;
        await r.body.dump();
      }
    };
    const t0 = Date.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = Date.now() - t0;
    await client.close();
    expect(failed).toBe(0);
    const n1 = (engines[1]?.received.length ?? 0) - before1;
    const n2 = (engines[2]?.received.length ?? 0) - before2;
    expect(n1 + n2).toBe(total);
    expect(Math.abs(n1 / total - 0.7)).toBeLessThan(0.03);
    expect(Math.abs(n2 / total - 0.3)).toBeLessThan(0.03);
    console.log(
      `weighted split: v1=${n1} v2=${n2} in ${elapsed} ms (${Math.round((total / elapsed) * 1000)} req/s, router + engines + client in one process)`,
    );
  });

  it("lists route model names and LoRA adapters on GET /v1/models", async () => {
    const r = await fetch(`${t.url}/v1/models`);
    const body = (await r.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe("list");
    expect(body.data.map((m) => m.id)).toEqual(["chat-lora", "ds", "sql-lora"]);
  });
});
