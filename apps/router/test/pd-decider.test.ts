// The PD decider over HTTP with fake engines: a long uncached prompt goes prefill engine → KV
// transfer → decode engine, a short follow-up turn whose prefix the decode endpoint holds is served by
// the decode endpoint alone, and the router-local prefill accounting returns to zero after success,
// upstream errors and client aborts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FakeEngine,
  modelRoute,
  PD_GROUP as GROUP,
  PD_ROLE as ROLE,
  pdServer,
  pod,
  postJson,
  startRouter,
  waitFor,
} from "./helpers.ts";
import type { TestRouter } from "./helpers.ts";

const P = "127.0.0.61";
const D = "127.0.0.62";

/** A nixl PD ModelServer with one prefill and one decode pod in one group, and its ModelRoute. */
function pdObjects(name: string, port: number, prefillIp: string, decodeIp: string): unknown[] {
  return [
    pdServer(name, port, { kvConnector: { type: "nixl" } }),
    pod(`${name}-p`, prefillIp, { app: name, [GROUP]: "g", [ROLE]: "prefill" }),
    pod(`${name}-d`, decodeIp, { app: name, [GROUP]: "g", [ROLE]: "decode" }),
    modelRoute(name, { modelName: name, rules: [{ targetModels: [{ modelServerName: name }] }] }),
  ];
}

function words(n: number, seed: string): string {
  return Array.from({ length: n }, (_, i) => `${seed}${i}`).join(" ");
}

type Msg = { role: string; content: string };
const lastContent = (body: Record<string, unknown>) =>
  (body.messages as Msg[] | undefined)?.at(-1)?.content ?? "";

describe("PD decider (threshold) with fake engines", () => {
  let prefill: FakeEngine;
  let decode: FakeEngine;
  let t: TestRouter;

  /** A long first turn, served; the decode endpoint then holds its prefix. */
  async function warm(seed: string): Promise<Msg[]> {
    const base: Msg[] = [{ role: "user", content: words(600, seed) }];
    expect(
      (await postJson(`${t.url}/v1/chat/completions`, { model: "pdx", messages: base })).status,
    ).toBe(200);
    return base;
  }

  /** A short streamed follow-up turn: the threshold decider serves it on the decode endpoint. */
  function streamFollowUp(base: Msg[], last: string, signal?: AbortSignal): Promise<Response> {
    return fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "pdx",
        stream: true,
        messages: [...base, { role: "assistant", content: "hi" }, { role: "user", content: last }],
      }),
      ...(signal ? { signal } : {}),
    });
  }

  beforeAll(async () => {
    prefill = new FakeEngine("p", P, {
      handle: (_req, res, body) => {
        if (lastContent(body).includes("prefill-fails")) {
          res.writeHead(500, { "content-type": "application/json" }).end("{}");
          return true;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            choices: [],
            usage: { prompt_tokens: 5, completion_tokens: 1 },
            kv_transfer_params: { remote_host: P, remote_block_ids: [1] },
          }),
        );
        return true;
      },
    });
    decode = new FakeEngine("d", D, {
      handle: (_req, res, body) => {
        const last = lastContent(body);
        if (last === "fail") {
          res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}');
          return true;
        }
        if (last === "hang") {
          // Streams nothing until the router goes away.
          res.writeHead(200, { "content-type": "text/event-stream" });
          return true;
        }
        return false;
      },
    });
    const port = await prefill.listen(0);
    await decode.listen(port);
    t = await startRouter(
      [
        ...pdObjects("pdx", port, P, D),
        {
          kind: "SchedulerConfig",
          plugins: [{ type: "prefix-cache" }, { type: "max-score" }],
          profiles: [
            {
              name: "default",
              plugins: [{ pluginRef: "prefix-cache" }, { pluginRef: "max-score" }],
            },
          ],
        },
      ],
      // A follow-up turn leaves the last partial 64-character block and the new text uncached.
      { scraper: { intervalMs: 0 }, pd: { decider: "threshold", thresholdTokens: 64 } },
    );
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([prefill.close(), decode.close()]);
  });

  const counter = async (decision: string) => {
    const m = (await t.router.metrics.registry.metrics()).match(
      new RegExp(
        `tessera_router_pd_decisions_total\\{server="default/pdx",decision="${decision}"\\} (\\d+)`,
      ),
    );
    return Number(m?.[1] ?? 0);
  };

  it("disaggregates a long uncached prompt and serves the cached follow-up turn locally", async () => {
    const turn1: Msg[] = [{ role: "user", content: words(600, "w") }];
    const r1 = await postJson(`${t.url}/v1/chat/completions`, { model: "pdx", messages: turn1 });
    expect(r1.status).toBe(200);
    expect(prefill.received).toHaveLength(1);
    expect(decode.received.at(-1)?.body.kv_transfer_params).toEqual({
      remote_host: P,
      remote_block_ids: [1],
    });
    expect(t.access.at(-1)?.prefill_pod).toBe(`default/pdx-p:${prefill.port}`);

    const turn2: Msg[] = [
      ...turn1,
      { role: "assistant", content: "hi" },
      { role: "user", content: "and then?" },
    ];
    const r2 = await postJson(`${t.url}/v1/chat/completions`, { model: "pdx", messages: turn2 });
    expect(r2.status).toBe(200);
    expect(r2.json.served_by).toBe("d");
    expect(prefill.received).toHaveLength(1);
    const sent = decode.received.at(-1);
    expect(sent?.body.messages).toEqual(turn2);
    expect(sent?.body.kv_transfer_params).toBeUndefined();
    expect(t.access.at(-1)?.prefill_pod).toBeNull();
    expect(t.access.at(-1)?.selected_pod).toBe(`default/pdx-d:${decode.port}`);
    expect(await counter("remote")).toBe(1);
    expect(await counter("local")).toBe(1);

    const logged = t.router.decisions.list().filter((d) => d.profile.startsWith("pd-decider"));
    expect(logged[0]?.profile).toMatch(
      /^pd-decider threshold: local \(cached-on-decode, cache: prefix-cache\)/,
    );
    expect(logged[0]?.picked).toEqual([`default/pdx-d:${decode.port}`]);
    expect(logged[1]?.profile).toMatch(/^pd-decider threshold: remote \(above-threshold/);
    // threshold does not read the prefill side: the prefill profile's own entry names that endpoint.
    expect(logged[1]?.picked).toEqual([`default/pdx-d:${decode.port}`]);
    expect(logged[1]?.candidates[0]?.scores["pd uncached tokens"]).toBeGreaterThan(600);
    expect(t.router.pd.ledger.total()).toBe(0);
  });

  it("releases the accounting after upstream errors on both paths", async () => {
    const base: Msg[] = [{ role: "user", content: words(600, "e") }];
    // Remote path, prefill engine fails: every pair failed.
    const r1 = await postJson(`${t.url}/v1/chat/completions`, {
      model: "pdx",
      messages: [{ role: "user", content: `${words(600, "f")} prefill-fails` }],
    });
    expect(r1.status).toBe(500);
    expect(t.router.pd.ledger.total()).toBe(0);
    // Local path, decode engine answers 500.
    expect(
      (await postJson(`${t.url}/v1/chat/completions`, { model: "pdx", messages: base })).status,
    ).toBe(200);
    const r2 = await postJson(`${t.url}/v1/chat/completions`, {
      model: "pdx",
      messages: [...base, { role: "assistant", content: "hi" }, { role: "user", content: "fail" }],
    });
    expect(r2.status).toBe(500);
    expect(t.access.at(-1)?.prefill_pod).toBeNull();
    expect(t.router.pd.ledger.total()).toBe(0);
  });

  it("holds the uncached tokens of a local request until the client aborts, then releases them", async () => {
    const base = await warm("a");
    const ac = new AbortController();
    const pending = streamFollowUp(base, "hang", ac.signal).then(
      (r) => r.body?.getReader().read(),
      () => undefined,
    );
    await waitFor(() => t.router.pd.ledger.get(`default/pdx-d:${decode.port}`) > 0);
    ac.abort();
    await pending.catch(() => undefined);
    await waitFor(() => t.router.pd.ledger.total() === 0);
    await waitFor(() => t.access.at(-1)?.status_code === 499);
  });

  it("releases a streamed local request's tokens at its first token", async () => {
    const r = await streamFollowUp(await warm("s"), "more");
    await r.text();
    expect(t.access.at(-1)?.prefill_pod).toBeNull();
    expect(t.router.pd.ledger.total()).toBe(0);
  });
});

describe("PD decider (queue-aware) with fake engines", () => {
  let prefill: FakeEngine;
  let decode: FakeEngine;
  let t: TestRouter;
  const PQ = "127.0.0.63";
  const DQ = "127.0.0.64";

  beforeAll(async () => {
    prefill = new FakeEngine("pq", PQ, {
      handle: (_req, res) => {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ choices: [], kv_transfer_params: { remote_host: PQ } }));
        return true;
      },
    });
    decode = new FakeEngine("dq", DQ, {
      handle: (_req, res, body) => {
        if (!lastContent(body).endsWith("hang")) return false;
        res.writeHead(200, { "content-type": "text/event-stream" });
        return true;
      },
    });
    const port = await prefill.listen(0);
    await decode.listen(port);
    t = await startRouter([...pdObjects("pdq", port, PQ, DQ)], {
      scraper: { intervalMs: 0 },
      pd: { servers: { "default/pdq": { decider: "queue-aware" } } },
    });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([prefill.close(), decode.close()]);
  });

  it("keeps a long prompt local while the decode engine is idle, offloads it when its queue is long", async () => {
    const ask = (content: string) =>
      postJson(`${t.url}/v1/chat/completions`, {
        model: "pdq",
        messages: [{ role: "user", content }],
      });
    // Idle: prefilling 600 words on the decode engine beats prefill + transfer.
    expect((await ask(words(600, "q"))).status).toBe(200);
    expect(prefill.received).toHaveLength(0);
    expect(decode.received.at(-1)?.body.kv_transfer_params).toBeUndefined();

    // A local request that never reaches its first token keeps its prefill charged to the decode
    // endpoint; the next long prompt then goes through the prefill engine.
    const ac = new AbortController();
    const held = fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "pdq",
        stream: true,
        messages: [{ role: "user", content: `${words(600, "h")} hang` }],
      }),
      signal: ac.signal,
    }).catch(() => undefined);
    const dId = `default/pdq-d:${decode.port}`;
    await waitFor(() => t.router.pd.ledger.get(dId) > 0);
    expect((await ask(words(600, "r"))).status).toBe(200);
    expect(prefill.received).toHaveLength(1);
    expect(decode.received.at(-1)?.body.kv_transfer_params).toEqual({ remote_host: PQ });
    const last = t.router.decisions.list().find((d) => d.profile.startsWith("pd-decider"));
    expect(last?.profile).toMatch(
      /queue-aware: remote \(prefill-path-faster, cache: prefix-cache\)/,
    );
    expect(last?.candidates[0]?.scores["pd queued tokens"]).toBe(t.router.pd.ledger.get(dId));

    ac.abort();
    await held;
    await waitFor(() => t.router.pd.ledger.total() === 0);
  });
});
