import { afterEach, describe, expect, it } from "vitest";
import { syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import type { StepPlan } from "../engine/scheduler.ts";
import { startSimServer } from "./app.ts";
import type { SimServer, SimServerOptions } from "./app.ts";

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function sim(opts: SimServerOptions): Promise<SimServer> {
  const s = await startSimServer({ timeScale: 0.01, model: "m", params: { jitter: 0 }, ...opts });
  servers.push(s);
  return s;
}
async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

const prompt = syntheticText(2000, 42); // exactly 2,000 tokens

describe("vLLM NIXL-style P/D", () => {
  it("prefill answers one token with kv_transfer_params; decode skips the transferred prefix", async () => {
    const prefill = await sim({ role: "prefill" });
    const decode = await sim({ role: "decode" });
    const p = await post(`${prefill.url}/v1/completions`, {
      model: "m",
      prompt,
      max_tokens: 50,
      kv_transfer_params: { do_remote_decode: true, do_remote_prefill: false },
    });
    expect(p.status).toBe(200);
    expect((p.json.usage as { completion_tokens: number }).completion_tokens).toBe(1);
    const kv = p.json.kv_transfer_params as Record<string, unknown>;
    expect(kv).toMatchObject({
      do_remote_prefill: true,
      do_remote_decode: false,
      remote_engine_id: prefill.engine.engineId,
      remote_host: "127.0.0.1",
      remote_port: prefill.port,
      tp_size: 1,
    });
    expect(kv.remote_block_ids).toHaveLength(125); // 2,000 / 16 full blocks

    const steps: StepPlan[] = [];
    decode.engine.onStep((s) => steps.push(s));
    const d = await post(`${decode.url}/v1/completions`, {
      model: "m",
      prompt,
      max_tokens: 10,
      kv_transfer_params: kv,
    });
    expect(d.status).toBe(200);
    expect((d.json.usage as { completion_tokens: number }).completion_tokens).toBe(10);
    const first = steps[0];
    expect(first?.transferTokens).toBe(1999); // all but the last prompt token arrive by transfer
    expect(first?.prefillTokens).toBe(1);
    // Transfer (3 µs/token + 1 ms setup) is far cheaper than a 2,000-token prefill (20 µs/token).
    const p2 = decode.engine.params;
    const expected = (p2.t0Ms + p2.tPrefillMs + 1999 * p2.tTransferMs + p2.transferSetupMs) / 1000;
    expect(first?.duration).toBeCloseTo(expected, 9);
    expect(first?.duration).toBeLessThan((p2.t0Ms + 2000 * p2.tPrefillMs) / 1000 / 2);

    // Without kv_transfer_params a decode instance simply serves the request itself.
    const steps2: StepPlan[] = [];
    decode.engine.onStep((s) => steps2.push(s));
    await post(`${decode.url}/v1/completions`, {
      model: "m",
      prompt: syntheticText(500, 7),
      max_tokens: 2,
    });
    expect(steps2[0]?.prefillTokens).toBe(500);
  });
});

describe("SGLang bootstrap P/D", () => {
  it("decode holds its request until the prefill for the same room completes (both in flight)", async () => {
    const prefill = await sim({ engine: "sglang", role: "prefill", bootstrapPort: 0 });
    const decode = await sim({ engine: "sglang", role: "decode" });
    const room = 1234567890123;
    const steps: StepPlan[] = [];
    decode.engine.onStep((s) => steps.push(s));
    const dReq = post(`${decode.url}/v1/completions`, {
      model: "m",
      prompt,
      max_tokens: 8,
      bootstrap_host: "127.0.0.1",
      bootstrap_port: prefill.bootstrapPort,
      bootstrap_room: room,
    });
    await expect.poll(() => decode.engine.snapshot().waiting, { interval: 2 }).toBe(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(steps).toHaveLength(0); // nothing runs before the prefill side is done
    const pRes = await post(`${prefill.url}/v1/completions`, {
      model: "m",
      prompt,
      max_tokens: 1,
      bootstrap_host: "127.0.0.1",
      bootstrap_room: room,
    });
    expect(pRes.status).toBe(200);
    const d = await dReq;
    expect(d.status).toBe(200);
    expect((d.json.usage as { completion_tokens: number }).completion_tokens).toBe(8);
    expect(steps[0]?.transferTokens).toBe(tokenize(prompt).length - 1);
  });

  it("decode fails when its prefill never comes", async () => {
    const prefill = await sim({ engine: "sglang", role: "prefill", bootstrapPort: 0 });
    const decode = await sim({ engine: "sglang", role: "decode", bootstrapTimeoutMs: 100 });
    const d = await post(`${decode.url}/v1/completions`, {
      model: "m",
      prompt: "hello",
      max_tokens: 8,
      bootstrap_host: "127.0.0.1",
      bootstrap_port: prefill.bootstrapPort,
      bootstrap_room: 1,
    });
    expect(d).toMatchObject({ status: 500, json: { object: "error" } });
    expect(decode.engine.snapshot()).toMatchObject({ waiting: 0, running: 0 });
  });
});
