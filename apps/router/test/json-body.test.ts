// Integers beyond 2^53 in request bodies reach the engine exactly: as the client's own bytes when
// the router does not change the body, and as the same digits when it rewrites the model.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeEngine, TestRouter } from "./helpers.ts";
import {
  modelRoute,
  modelServer,
  pod,
  postJson,
  startFakeEngines,
  startRouter,
} from "./helpers.ts";

describe("large integers in request bodies", () => {
  let engines: FakeEngine[];
  let t: TestRouter;

  beforeAll(async () => {
    let port: number;
    ({ engines, port } = await startFakeEngines(1, 161));
    const e = engines[0] as FakeEngine;
    t = await startRouter([
      modelServer("plain", {
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "big" } },
      }),
      modelServer("renamed", {
        model: "org/served-7b",
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "big" } },
      }),
      pod("big-0", e.host, { app: "big" }),
      modelRoute("plain", {
        modelName: "plain",
        rules: [{ name: "r", targetModels: [{ modelServerName: "plain" }] }],
      }),
      modelRoute("renamed", {
        modelName: "alias",
        rules: [{ name: "r", targetModels: [{ modelServerName: "renamed" }] }],
      }),
    ]);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
  });

  const big = (model: string) =>
    `{"model": "${model}", "prompt": "hi", "max_tokens": 2,\n "seed": 12345678901234567891,` +
    ` "logit_bias": {"151935": -100}, "user": 9007199254740993, "n": -18446744073709551615,` +
    ` "temperature": 1e-400, "scale": 1e400, "top_p": 0.95, "id": "12345678901234567891"}`;

  it("forwards an unchanged body byte for byte", async () => {
    const sent = big("plain");
    const r = await postJson(`${t.url}/v1/completions`, sent);
    expect(r.status).toBe(200);
    expect(engines[0]?.received.at(-1)?.raw).toBe(sent);
  });

  it("keeps every digit when the router rewrites the body", async () => {
    const r = await postJson(`${t.url}/v1/completions`, big("alias"));
    expect(r.status).toBe(200);
    const raw = engines[0]?.received.at(-1)?.raw ?? "";
    expect(raw).toContain('"model":"org/served-7b"');
    for (const digits of [
      '"seed":12345678901234567891',
      '"user":9007199254740993',
      '"n":-18446744073709551615',
      '"scale":1e400',
      '"top_p":0.95',
      '"id":"12345678901234567891"',
    ])
      expect(raw).toContain(digits);
    // A plain JSON.parse + JSON.stringify would have written these instead.
    expect(raw).not.toContain("12345678901234567000");
    expect(raw).not.toContain('"scale":null');
  });

  it("keeps them through the stream usage injection too", async () => {
    const sent = big("plain").replace('"max_tokens": 2', '"max_tokens": 2, "stream": true');
    const r = await fetch(`${t.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sent,
    });
    expect(r.status).toBe(200);
    await r.text();
    const raw = engines[0]?.received.at(-1)?.raw ?? "";
    expect(raw).toContain('"stream_options":{"include_usage":true}');
    expect(raw).toContain('"seed":12345678901234567891');
  });
});
