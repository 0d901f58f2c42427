// Bad input never takes the router down: each case gets an OpenAI-style error object with the right
// status, a requests_total sample with the error type, and an access-log entry.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRouter } from "./helpers.ts";
import { chat, modelRoute, modelServer, pod, postJson, startRouter, waitFor } from "./helpers.ts";

describe("bad input", () => {
  let t: TestRouter;

  beforeAll(async () => {
    t = await startRouter(
      [
        modelServer("empty", {
          workloadPort: { port: 9 },
          workloadSelector: { matchLabels: { app: "none" } },
        }),
        modelServer("down", {
          workloadPort: { port: 1 },
          workloadSelector: { matchLabels: { app: "down" } },
        }),
        pod("not-ready", "127.0.0.60", { app: "none" }, { ready: false }),
        pod("down-0", "127.0.0.61", { app: "down" }),
        modelRoute("r", {
          modelName: "m",
          rules: [{ targetModels: [{ modelServerName: "empty" }] }],
        }),
        modelRoute("r2", {
          modelName: "ghost",
          rules: [{ targetModels: [{ modelServerName: "missing" }] }],
        }),
        modelRoute("r3", {
          modelName: "down",
          rules: [{ targetModels: [{ modelServerName: "down" }] }],
        }),
      ],
      {
        bodyLimitBytes: 1024,
        headersTimeoutMs: 300,
        bodyTimeoutMs: 300,
        scraper: { intervalMs: 0 },
      },
    );
  });

  afterAll(async () => {
    await t.close();
  });

  async function metricLine(code: string, status: number): Promise<number> {
    const text = await t.router.metrics.registry.metrics();
    const re = new RegExp(
      `tessera_router_requests_total\\{[^}]*status_code="${status}",error_type="${code}"\\} (\\d+)`,
    );
    return Number(re.exec(text)?.[1] ?? 0);
  }

  const cases: { name: string; body: unknown; status: number; code: string }[] = [
    { name: "invalid JSON", body: "{not json", status: 400, code: "invalid_json" },
    { name: "JSON array", body: "[1,2]", status: 400, code: "invalid_body" },
    { name: "missing model", body: { messages: [] }, status: 400, code: "model_required" },
    {
      name: "non-string model",
      body: { model: 42, messages: [] },
      status: 400,
      code: "model_required",
    },
    {
      name: "body over the limit",
      body: chat("m", { pad: "x".repeat(4096) }),
      status: 413,
      code: "body_too_large",
    },
    { name: "unknown model", body: chat("nope"), status: 404, code: "model_not_found" },
    {
      name: "route to a missing ModelServer",
      body: chat("ghost"),
      status: 404,
      code: "model_server_not_found",
    },
    { name: "no ready endpoint", body: chat("m"), status: 503, code: "no_ready_endpoint" },
    {
      name: "every endpoint refuses",
      body: chat("down"),
      status: 502,
      code: "upstream_unavailable",
    },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const before = await metricLine(c.code, c.status);
      const logged = t.access.length;
      const r = await postJson(`${t.url}/v1/chat/completions`, c.body);
      expect(r.status).toBe(c.status);
      expect(r.json).toEqual({
        error: {
          message: expect.any(String) as string,
          type: expect.any(String) as string,
          code: c.code,
        },
      });
      expect(await metricLine(c.code, c.status)).toBe(before + 1);
      await waitFor(() => t.access.length > logged);
      const entry = t.access.at(-1);
      expect(entry?.status_code).toBe(c.status);
      expect(entry?.error?.type).toBe(c.code);
    });
  }

  it("slow headers → 408 with an error object, counted and logged", async () => {
    const before = await metricLine("request_timeout", 408);
    const logged = t.access.length;
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(t.port, "127.0.0.1", () =>
        s.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"),
      );
      let data = "";
      s.on("data", (d: Buffer) => (data += d.toString()));
      s.on("close", () => resolve(data));
      s.on("error", reject);
      setTimeout(() => reject(new Error("no 408 within 5 s")), 5_000).unref();
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: { code: "request_timeout" },
    });
    expect(await metricLine("request_timeout", 408)).toBe(before + 1);
    expect(t.access.length).toBeGreaterThan(logged);
  });

  it("slow body → 408 with an error object", async () => {
    const before = await metricLine("request_timeout", 408);
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(t.port, "127.0.0.1", () =>
        s.write(
          'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"model":',
        ),
      );
      let data = "";
      s.on("data", (d: Buffer) => (data += d.toString()));
      s.on("close", () => resolve(data));
      s.on("error", reject);
      setTimeout(() => reject(new Error("no 408 within 5 s")), 5_000).unref();
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toContain('"code":"request_timeout"');
    expect(await metricLine("request_timeout", 408)).toBe(before + 1);
  });

  it("unknown paths get a 404 error object and the router keeps serving", async () => {
    const r = await postJson(`${t.url}/v2/whatever`, {});
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: { code: "not_found" } });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
