// The official openai client, through the router in file mode (the fixture config), against
// simulated vLLM engines: non-streaming, streaming, usage handling, and the models list.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../src/sources/file/file-source.ts";
import type { TestRouter } from "./helpers.ts";
import { startRouter, waitFor } from "./helpers.ts";

const FIXTURE = new URL("../../../infra/router-configs/local-sim.yaml", import.meta.url);

describe("openai client through the router (file mode, simulated engines)", () => {
  let sims: SimServer[] = [];
  let t: TestRouter;
  let dir: string;
  let source: FileSource;
  let client: OpenAI;

  beforeAll(async () => {
    const first = await startSimServer({
      host: "127.0.0.71",
      port: 0,
      model: "Qwen/Qwen2.5-7B-Instruct",
      timeScale: 0.01,
    });
    const second = await startSimServer({
      host: "127.0.0.72",
      port: first.port,
      model: "Qwen/Qwen2.5-7B-Instruct",
      timeScale: 0.01,
      seed: 1,
    });
    sims = [first, second];
    dir = await mkdtemp(join(tmpdir(), "tessera-router-"));
    const cfg = join(dir, "router.yaml");
    await writeFile(cfg, (await readFile(FIXTURE, "utf8")).replaceAll("18000", String(first.port)));
    t = await startRouter(null);
    source = new FileSource(t.router, { path: cfg });
    await source.start();
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: "unused", maxRetries: 0 });
    await waitFor(() => t.router.readiness().length === 0);
  });

  afterAll(async () => {
    source.close();
    await t.close();
    await Promise.all(sims.map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("serves a non-streaming chat completion, with the model rewritten and usage recorded", async () => {
    const r = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "Say hi" }],
      max_tokens: 8,
    });
    expect(r.choices[0]?.message.content).toEqual(expect.any(String));
    expect(r.model).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
    await waitFor(() =>
      t.access.some(
        (e) => e.request_id === r._request_id || e.output_tokens === r.usage?.completion_tokens,
      ),
    );
    const entry = t.access.at(-1);
    expect(entry).toMatchObject({
      status_code: 200,
      model_name: "qwen",
      model_route: "default/qwen",
      model_server: "default/qwen-7b",
      upstream_model: "Qwen/Qwen2.5-7B-Instruct",
    });
    expect(entry?.input_tokens).toBe(r.usage?.prompt_tokens);
    expect(entry?.output_tokens).toBe(r.usage?.completion_tokens);
  });

  it("streams chunk by chunk; the injected usage chunk is stripped but usage is still recorded", async () => {
    const stream = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "Count" }],
      max_tokens: 12,
      stream: true,
    });
    let text = "";
    let sawUsage = false;
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      if (c.usage) sawUsage = true;
      text += c.choices[0]?.delta.content ?? "";
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text.length).toBeGreaterThan(0);
    expect(sawUsage).toBe(false);
    await waitFor(() => t.access.at(-1)?.stream === true);
    expect(t.access.at(-1)?.output_tokens).toBeGreaterThan(0);
    const metrics = await t.router.metrics.registry.metrics();
    expect(metrics).toMatch(
      /tessera_router_time_to_first_token_seconds_count\{model="qwen"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /tessera_router_inter_token_latency_seconds_count\{model="qwen"\} [1-9]/,
    );
  });

  it("keeps the usage chunk when the client asked for it", async () => {
    const stream = await client.chat.completions.create({
      model: "qwen",
      messages: [{ role: "user", content: "Count" }],
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) if (c.usage) usage = c.usage;
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("serves legacy completions and lists models", async () => {
    const r = await client.completions.create({
      model: "qwen",
      prompt: "Once upon a time",
      max_tokens: 4,
    });
    expect(r.choices[0]?.text).toEqual(expect.any(String));
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(["qwen"]);
  });

  it("reports unknown models as an OpenAI NotFoundError", async () => {
    await expect(
      client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
    });
  });

  it("spreads requests over both engines and exposes scrape results on the debug endpoint", async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        client.chat.completions.create({
          model: "qwen",
          messages: [{ role: "user", content: "hi" }],
          max_tokens: 30,
        }),
      ),
    );
    const served = sims.map((s) => s.engine.snapshot().finished);
    expect(served.every((n) => n > 0)).toBe(true);
    const eps = (await (await fetch(`${t.url}/debug/endpoints`)).json()) as {
      id: string;
      metrics: { updatedAt: number };
    }[];
    expect(eps).toHaveLength(2);
    expect(eps.every((e) => e.metrics.updatedAt > 0)).toBe(true);
    // vLLM's prefix-cache counters become an interval hit rate once a scrape sees the new queries
    // (NaN, sent as null, until then).
    const deadline = Date.now() + 10_000;
    let rates: (number | null)[] = [];
    while (Date.now() < deadline) {
      const now = (await (await fetch(`${t.url}/debug/endpoints`)).json()) as {
        metrics: { prefixHitRate: number | null };
      }[];
      rates = now.map((e) => e.metrics.prefixHitRate);
      if (rates.every((r) => r !== null)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      rates.every((r) => r !== null && r >= 0 && r <= 1),
      String(rates),
    ).toBe(true);
    const decisions = (await (await fetch(`${t.url}/debug/decisions`)).json()) as {
      candidates: { scores: Record<string, number> }[];
    }[];
    expect(Object.keys(decisions[0]?.candidates[0]?.scores ?? {})).toEqual([
      "least-request",
      "kv-cache-usage",
      "prefix-cache",
    ]);
  });
});
