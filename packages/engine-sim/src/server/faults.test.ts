import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startSimServer } from "./app.ts";
import type { SimServer, SimServerOptions } from "./app.ts";

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function sim(opts: SimServerOptions): Promise<SimServer> {
  const s = await startSimServer({ timeScale: 0.01, model: "m", ...opts });
  servers.push(s);
  return s;
}
const chat = { model: "m", messages: [{ role: "user" as const, content: "hi" }], max_tokens: 10 };
function post(s: SimServer, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${s.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe("faults", () => {
  it("startup delay: not ready (503) until it has passed", async () => {
    const s = await sim({ faults: { startupDelayMs: 300 } });
    expect((await fetch(`${s.url}/health`)).status).toBe(503);
    expect((await post(s, chat)).status).toBe(503);
    await expect
      .poll(async () => (await fetch(`${s.url}/health`)).status, { timeout: 2000, interval: 50 })
      .toBe(200);
    expect((await post(s, chat)).status).toBe(200);
  });

  it("error rate: that share of requests fails with a 500 in the engine's error shape", async () => {
    const all = await sim({ faults: { errorRate: 1 } });
    const r = await post(all, chat);
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ error: { type: "InternalServerError", code: 500 } });
    const half = await sim({ faults: { errorRate: 0.5 }, seed: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () => post(half, chat).then((x) => x.status)),
    );
    const failed = statuses.filter((x) => x === 500).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(statuses.filter((x) => x === 200).length).toBe(60 - failed);
  });

  it("hang: the request never answers and holds no engine resources", async () => {
    const s = await sim({ faults: { hangRate: 1 } });
    await expect(post(s, chat, AbortSignal.timeout(200))).rejects.toThrow();
    expect(s.engine.snapshot()).toMatchObject({ running: 0, waiting: 0 });
    // Faults can be changed at run time.
    await fetch(`${s.url}/sim/faults`, { method: "POST", body: JSON.stringify({ hangRate: 0 }) });
    expect((await post(s, chat)).status).toBe(200);
  });

  it("crash mid-stream: the connection drops after N tokens and the client sees an error", async () => {
    const s = await sim({ faults: { crashRate: 1, crashAfterTokens: 3 } });
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "none", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      ...chat,
      max_tokens: 50,
      stream: true,
    } as const);
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const c of stream)
          if (c.choices[0]?.delta.content) got.push(c.choices[0].delta.content);
      })(),
    ).rejects.toThrow();
    expect(got).toHaveLength(3);
    await expect.poll(() => s.engine.snapshot().running).toBe(0);
    expect(s.engine.snapshot().freeBlocks).toBe(s.engine.params.numBlocks);
    // Non-streaming requests are unaffected by the crash fault.
    expect((await post(s, chat)).status).toBe(200);
  });
});
