import { afterEach, describe, expect, it } from "vitest";
import { blockHashes } from "@tessera/shared/tokens/block-hash";
import { syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import { startSimServer } from "./app.ts";
import type { SimServer } from "./app.ts";

let s: SimServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe("KV events over HTTP (NDJSON at /kv_events)", () => {
  it("streams BlockStored batches whose hashes a router can recompute", async () => {
    s = await startSimServer({ timeScale: 0.01, model: "m", kvEvents: true });
    const ctl = new AbortController();
    const res = await fetch(`${s.url}/kv_events`, { signal: ctl.signal });
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const reader = res.body?.getReader();
    const prompt = syntheticText(100, 5);
    await fetch(`${s.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", prompt, max_tokens: 1 }),
    });
    let buf = "";
    const dec = new TextDecoder();
    while (!buf.includes("\n")) {
      const r = await reader?.read();
      if (!r || r.done) break;
      buf += dec.decode(r.value as Uint8Array);
    }
    const batch = JSON.parse(buf.split("\n")[0] ?? "{}") as {
      engine_id: string;
      events: Array<{ type: string; block_hashes: string[] }>;
    };
    expect(batch.engine_id).toBe(s.engine.engineId);
    expect(batch.events[0]).toMatchObject({
      type: "BlockStored",
      block_hashes: blockHashes(tokenize(prompt), 16),
    });
    const resident = (await (await fetch(`${s.url}/kv_blocks`)).json()) as {
      block_hashes: string[];
    };
    expect(resident.block_hashes.sort()).toEqual(blockHashes(tokenize(prompt), 16).sort());
    ctl.abort();
  });
});
