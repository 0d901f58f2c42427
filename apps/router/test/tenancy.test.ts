// Tenancy through the real HTTP path (memory quota store): API keys, tenant isolation, 429 with
// OpenAI-style error and rate-limit headers, Kthena's ModelRoute.spec.rateLimit, and revocation /
// expiry taking effect within a second through the file source.
import { createHash } from "node:crypto";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../src/sources/file/file-source.ts";
import type { MemoryStore } from "../src/tenancy/quota/store.ts";
import type { FakeEngine, TestRouter } from "./helpers.ts";
import {
  chat,
  modelRoute,
  modelServer,
  pod,
  postJson,
  startFakeEngines,
  startRouter,
  toYaml,
  waitFor,
} from "./helpers.ts";

const TV = "tessera.io/v1alpha1";
const sha = (k: string) => createHash("sha256").update(k).digest("hex");

function tenant(
  name: string,
  quotas: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
) {
  return { apiVersion: TV, kind: "Tenant", metadata: { name }, spec: { quotas, ...extra } };
}
function apiKey(id: string, t: string, key: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: TV,
    kind: "ApiKey",
    metadata: { name: id },
    spec: { tenant: t, keyHash: sha(key), prefix: key.slice(0, 6), ...spec },
  };
}

describe("tenancy over HTTP", () => {
  let engines: FakeEngine[];
  let port: number;
  let t: TestRouter;
  let dir: string;
  let file: string;
  let source: FileSource;
  const base = () => [
    modelServer("s", { workloadPort: { port }, workloadSelector: { matchLabels: { app: "s" } } }),
    pod("p0", "127.0.0.71", { app: "s" }),
    modelRoute("r", { modelName: "m", rules: [{ targetModels: [{ modelServerName: "s" }] }] }),
    modelRoute("r2", {
      modelName: "limited",
      rules: [{ targetModels: [{ modelServerName: "s" }] }],
      rateLimit: { inputTokensPerUnit: 25, unit: "minute" },
    }),
  ];
  const objects = (keys: unknown[]) => [
    ...base(),
    // Each request reserves prompt tokens + min(max_tokens=4, 256) output tokens.
    tenant("a", [{ model: "*", totalTokensPerMinute: 60 }]),
    tenant("b", [{ model: "*", totalTokensPerMinute: 60 }]),
    tenant("z", [], { suspended: true }),
    tenant("c", [{ model: "*", totalTokensPerMinute: 100_000, concurrentRequests: 1 }]),
    ...keys,
  ];
  const keys = [
    apiKey("11111111-1111-4111-8111-111111111111", "a", "sk-aaaa-1"),
    apiKey("22222222-2222-4222-8222-222222222222", "b", "sk-bbbb-1"),
    apiKey("33333333-3333-4333-8333-333333333333", "a", "sk-aaaa-only-x", { models: ["x"] }),
    apiKey("44444444-4444-4444-8444-444444444444", "z", "sk-zzzz-1"),
    apiKey("77777777-7777-4777-8777-777777777777", "c", "sk-cccc-1"),
  ];
  async function write(docs: unknown[]): Promise<void> {
    await writeFile(`${file}.tmp`, toYaml(docs));
    await rename(`${file}.tmp`, file);
  }
  const call = (key: string | null, model = "m") =>
    postJson(
      `${t.url}/v1/chat/completions`,
      chat(model),
      key === null ? {} : { authorization: `Bearer ${key}` },
    );

  beforeAll(async () => {
    ({ engines, port } = await startFakeEngines(1, 71));
    dir = await mkdtemp(join(tmpdir(), "tessera-tenancy-"));
    file = join(dir, "router.yaml");
    await write(objects(keys));
    t = await startRouter(null, { scraper: { intervalMs: 0 }, tenancy: { auth: true } });
    source = new FileSource(t.router, { path: file }); // production debounce and poll
    await source.start();
  });
  afterAll(async () => {
    source.close();
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("rejects missing, unknown, suspended and out-of-scope credentials", async () => {
    const none = await call(null);
    expect(none.status).toBe(401);
    expect((none.json.error as { type: string }).type).toBe("authentication_error");
    expect((await call("sk-nope")).status).toBe(401);
    expect((await call("sk-zzzz-1")).status).toBe(403);
    expect((await call("sk-aaaa-only-x", "m")).status).toBe(403);
  });

  it("isolates tenants: A exhausting its quota never spends B's", async () => {
    let ok = 0;
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 20; i++) {
      last = await call("sk-aaaa-1");
      if (last.status === 200) ok++;
      else break;
    }
    // Actual usage is 10 tokens (7 + 3) per request after settle; 60 per minute ⇒ ~6 requests.
    expect(ok).toBeGreaterThanOrEqual(4);
    expect(ok).toBeLessThanOrEqual(7);
    expect(last?.status).toBe(429);
    const err = last?.json.error as { type: string; code: string };
    expect(err.type).toBe("rate_limit_error");
    expect(err.code).toBe("rate_limit_exceeded");
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(last?.headers.get("x-ratelimit-limit-tokens")).toBe("60");
    expect(last?.headers.get("x-ratelimit-scope")).toBe("total-tokens-per-minute");
    // B is untouched, and A's other key shares A's (exhausted) quota.
    expect((await call("sk-bbbb-1")).status).toBe(200);
    const entry = t.access.find((e) => e.tenant === "b");
    expect(entry?.api_key).toBe("22222222-2222-4222-8222-222222222222");
  });

  it("enforces Kthena's ModelRoute rateLimit per model", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call("sk-bbbb-1", "limited");
      statuses.push(r.status);
    }
    // 25 input tokens per minute; each request settles to its actual 7 prompt tokens.
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses[0]).toBe(200);
    expect(ok).toBeLessThanOrEqual(3);
    expect(statuses.slice(ok)).toEqual(Array(6 - ok).fill(429));
  });

  it("releases the reservation and the concurrency slot when a client aborts mid-stream", async () => {
    const store = t.router.tenancy?.limiter.store as MemoryStore;
    const key = "tessera:q:{c:*}";
    (engines[0] as FakeEngine).opts = { chunks: 200, chunkGapMs: 5 };
    const ac = new AbortController();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-cccc-1" },
      body: JSON.stringify(chat("m", { stream: true, max_tokens: 500 })),
      signal: ac.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // While streaming: prompt + 500 output tokens reserved, one slot held.
    expect(store.inFlight(`${key}:conc`)).toBe(1);
    const reserved = store.slidingSum(`${key}:total:m`);
    expect(reserved).toBeGreaterThan(500);
    ac.abort();
    await waitFor(() => store.inFlight(`${key}:conc`) === 0);
    // Only what was observed before the abort (< 64 events) stays charged.
    await waitFor(() => store.slidingSum(`${key}:total:m`) < 100);
    (engines[0] as FakeEngine).opts = {};
  });

  it("revocation and expiry take effect within a second", async () => {
    const c = apiKey("55555555-5555-4555-8555-555555555555", "b", "sk-bbbb-2");
    await write(objects([...keys, c]));
    const t0 = Date.now();
    while ((await call("sk-bbbb-2")).status === 401 && Date.now() - t0 < 3_000)
      await new Promise((r) => setTimeout(r, 20));
    const revoked = { ...c, spec: { ...c.spec, revoked: true } };
    await write(objects([...keys, revoked]));
    const t1 = Date.now();
    while ((await call("sk-bbbb-2")).status !== 401 && Date.now() - t1 < 3_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - t1).toBeLessThan(1_000);
    // Expiry needs no reload at all: it is checked against the clock on every request.
    const exp = new Date(Date.now() + 400).toISOString();
    const d = apiKey("66666666-6666-4666-8666-666666666666", "b", "sk-bbbb-3", { expiresAt: exp });
    await write(objects([...keys, d]));
    const t2 = Date.now();
    while ((await call("sk-bbbb-3")).status === 401 && Date.now() - t2 < 3_000)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(exp) - Date.now())));
    expect((await call("sk-bbbb-3")).status).toBe(401);
  });
});
