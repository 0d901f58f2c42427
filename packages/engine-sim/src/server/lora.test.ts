import { afterEach, describe, expect, it } from "vitest";
import { syntheticText } from "@tessera/shared/tokens/tokenizer";
import { startSimServer } from "./app.ts";
import type { SimServer } from "./app.ts";

let s: SimServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});
async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const r = await fetch(`${s?.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

describe("LoRA adapters", () => {
  it("load, list, serve, unload; unloaded and unknown adapters fail as in vLLM", async () => {
    s = await startSimServer({ model: "base", timeScale: 0.01, params: { maxLoras: 2 } });
    expect(
      await post("/v1/load_lora_adapter", { lora_name: "a", lora_path: "/adapters/a" }),
    ).toEqual({
      status: 200,
      text: "Success: LoRA adapter 'a' added successfully.",
    });
    expect(
      (await post("/v1/load_lora_adapter", { lora_name: "a", lora_path: "/adapters/a" })).status,
    ).toBe(400);
    expect(
      (await post("/v1/load_lora_adapter", { lora_name: "b", lora_path: "/adapters/b" })).status,
    ).toBe(200);
    const full = await post("/v1/load_lora_adapter", { lora_name: "c", lora_path: "/adapters/c" });
    expect(full.status).toBe(400);
    expect(full.text).toContain("maximum number of loaded adapters (2)");

    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as {
      data: Array<{ id: string; parent: string | null; root: string }>;
    };
    expect(models.data.map((m) => [m.id, m.parent, m.root])).toEqual([
      ["base", null, "base"],
      ["a", "base", "/adapters/a"],
      ["b", "base", "/adapters/b"],
    ]);

    // The adapter is part of the block hash (vLLM's extra keys): the same prompt does not share cache.
    const prompt = syntheticText(64, 1);
    const base1 = JSON.parse(
      (await post("/v1/completions", { model: "base", prompt, max_tokens: 1 })).text,
    ) as {
      usage: { prompt_tokens_details: { cached_tokens: number } };
    };
    expect(base1.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const la = await post("/v1/completions", { model: "a", prompt, max_tokens: 1 });
    expect(la.status).toBe(200);
    expect(JSON.parse(la.text)).toMatchObject({
      model: "a",
      usage: { prompt_tokens_details: { cached_tokens: 0 } },
    });
    const la2 = await post("/v1/completions", { model: "a", prompt, max_tokens: 1 });
    expect(JSON.parse(la2.text)).toMatchObject({
      usage: { prompt_tokens_details: { cached_tokens: 48 } },
    });

    expect(await post("/v1/unload_lora_adapter", { lora_name: "a" })).toEqual({
      status: 200,
      text: "Success: LoRA adapter 'a' removed successfully.",
    });
    const gone = await post("/v1/completions", { model: "a", prompt, max_tokens: 1 });
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.text)).toEqual({
      error: {
        message: "The model `a` does not exist.",
        type: "NotFoundError",
        param: "model",
        code: 404,
      },
    });
    expect((await post("/v1/unload_lora_adapter", { lora_name: "a" })).status).toBe(404);
  });

  it("reports running adapters in vllm:lora_requests_info", async () => {
    s = await startSimServer({ model: "base", timeScale: 0.05 });
    await post("/v1/load_lora_adapter", { lora_name: "x", lora_path: "/x" });
    const inflight = post("/v1/completions", { model: "x", prompt: "hi", max_tokens: 200 });
    await expect.poll(() => s?.engine.snapshot().running, { interval: 2 }).toBe(1);
    const text = await s.registry.metrics();
    expect(text).toMatch(
      /vllm:lora_requests_info\{max_lora="4",running_lora_adapters="x",waiting_lora_adapters=""\}/,
    );
    await inflight;
  });
});
