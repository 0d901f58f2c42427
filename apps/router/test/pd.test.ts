// Prefill/decode disaggregation: pairing inside PD groups, fallback to the next pair, the nixl
// kv_transfer_params hand-off, and the sglang connector keeping both requests in flight at once.
import { startSimServer } from "@tessera/engine-sim";
import type { SimServer } from "@tessera/engine-sim";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SGLANG_BOOTSTRAP_PORT_ANNOTATION } from "../src/pd/connectors.ts";
import {
  FakeEngine,
  chat,
  modelRoute,
  PD_GROUP as GROUP,
  PD_ROLE as ROLE,
  pdServer,
  pod,
  postJson,
  startRouter,
} from "./helpers.ts";
import type { TestRouter } from "./helpers.ts";

describe("PD disaggregation with fake engines", () => {
  const engines: FakeEngine[] = [];
  let t: TestRouter;
  let port = 0;
  /** host → group of the fake engines */
  const groupOf = new Map<string, string>();

  beforeAll(async () => {
    // Group g0: prefill .41, decode .42 — group g1: prefill .43, decode .44 — group g2: prefill .45 (fails), decode .46.
    // nixl-style prefill engines answer kv_transfer_params naming themselves.
    const prefill = (name: string, host: string, fail = false) =>
      new FakeEngine(name, host, {
        handle: (_req, res, body) => {
          if (
            body.kv_transfer_params === undefined ||
            body.max_tokens !== 1 ||
            body.stream !== undefined
          )
            return false;
          if (fail) {
            res.writeHead(500).end("{}");
            return true;
          }
          res.writeHead(200, { "content-type": "application/json" }).end(
            JSON.stringify({
              choices: [],
              usage: { prompt_tokens: 5, completion_tokens: 1 },
              kv_transfer_params: { remote_host: host, remote_block_ids: [1, 2] },
            }),
          );
          return true;
        },
      });
    const hosts = [
      "127.0.0.41",
      "127.0.0.42",
      "127.0.0.43",
      "127.0.0.44",
      "127.0.0.45",
      "127.0.0.46",
    ];
    for (const [i, h] of hosts.entries()) {
      const e = i % 2 === 0 ? prefill(`p${i}`, h, i === 4) : new FakeEngine(`d${i}`, h);
      port = await e.listen(port);
      engines.push(e);
      groupOf.set(h, `g${Math.floor(i / 2)}`);
    }
    const pods = hosts.map((h, i) =>
      pod(`pd-${i}`, h, {
        app: "pd",
        [GROUP]: `g${Math.floor(i / 2)}`,
        [ROLE]: i % 2 === 0 ? "prefill" : "decode",
      }),
    );
    t = await startRouter(
      [
        pdServer("pd", port, { kvConnector: { type: "nixl" }, model: "org/pd-model" }),
        ...pods,
        modelRoute("pd", {
          modelName: "pd",
          rules: [{ targetModels: [{ modelServerName: "pd" }] }],
        }),
        {
          kind: "SchedulerConfig",
          plugins: [{ type: "random" }],
          profiles: [{ name: "default", plugins: [{ pluginRef: "random" }] }],
        },
      ],
      { scraper: { intervalMs: 0 } },
    );
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
  });

  it("pairs prefill and decode only within the same PD group and passes kv_transfer_params (nixl)", async () => {
    for (let i = 0; i < 60; i++) {
      const r = await postJson(`${t.url}/v1/chat/completions`, chat("pd", { max_tokens: 20 }));
      expect(r.status).toBe(200);
    }
    let decodes = 0;
    for (const d of [engines[1], engines[3], engines[5]] as FakeEngine[]) {
      for (const rec of d.received) {
        decodes++;
        const params = rec.body.kv_transfer_params as { remote_host: string };
        expect(groupOf.get(params.remote_host)).toBe(groupOf.get(d.host));
        expect(rec.body.max_tokens).toBe(20);
        expect(rec.body.model).toBe("org/pd-model");
      }
    }
    expect(decodes).toBe(60);
    for (const e of t.access.filter((a) => a.model_name === "pd")) {
      expect(e.prefill_pod?.replace(/:\d+$/, "")).toBeTruthy();
      const pIdx = Number(/pd-(\d)/.exec(e.prefill_pod ?? "")?.[1]);
      const dIdx = Number(/pd-(\d)/.exec(e.selected_pod ?? "")?.[1]);
      expect(Math.floor(pIdx / 2)).toBe(Math.floor(dIdx / 2));
    }
  });

  it("falls back to the next pair when a prefill fails (group g2's prefill always answers 500)", async () => {
    expect((engines[4] as FakeEngine).received.length).toBeGreaterThan(0);
    // No request failed even though g2 was picked first some of the time.
    expect(t.access.filter((a) => a.model_name === "pd" && a.status_code !== 200)).toEqual([]);
    expect(t.access.some((a) => a.model_name === "pd" && a.upstream_attempts > 1)).toBe(true);
    expect(await t.router.metrics.registry.metrics()).toMatch(
      /tessera_router_prefill_duration_seconds_count\{server="default\/pd",connector="nixl"\} [1-9]/,
    );
  });
});

describe("sglang connector", () => {
  const engines: FakeEngine[] = [];
  let t: TestRouter;

  beforeAll(async () => {
    // Each side refuses to answer until the other side's request for the same bootstrap room has
    // arrived: a router that sent them one after the other would deadlock (and time out).
    const seen = new Map<number, Set<string>>();
    const waiters = new Map<number, (() => void)[]>();
    const arrive = (room: number, role: string) => {
      const s = seen.get(room) ?? new Set<string>();
      s.add(role);
      seen.set(room, s);
      if (s.size === 2) for (const w of waiters.get(room) ?? []) w();
    };
    const bothThere = (room: number) =>
      (seen.get(room)?.size ?? 0) === 2
        ? Promise.resolve()
        : new Promise<void>((resolve) =>
            waiters.set(room, [...(waiters.get(room) ?? []), resolve]),
          );
    const mk = (name: string, host: string, role: "prefill" | "decode") =>
      new FakeEngine(name, host, {
        handle: async (_req, res, body) => {
          const room = body.bootstrap_room as number;
          if (typeof room !== "number" || body.bootstrap_host !== "127.0.0.51") {
            res.writeHead(400).end("{}");
            return true;
          }
          arrive(room, role);
          await Promise.race([bothThere(room), new Promise((r) => setTimeout(r, 2_000))]);
          if ((seen.get(room)?.size ?? 0) !== 2) {
            res.writeHead(500).end("{}");
            return true;
          }
          return false;
        },
      });
    let port = 0;
    for (const [n, h, r] of [
      ["p", "127.0.0.51", "prefill"],
      ["d", "127.0.0.52", "decode"],
    ] as const) {
      const e = mk(n, h, r);
      port = await e.listen(port);
      engines.push(e);
    }
    t = await startRouter(
      [
        pdServer("sg", port, { inferenceEngine: "SGLang" }),
        pod("sg-p", "127.0.0.51", { app: "sg", [GROUP]: "g", [ROLE]: "prefill" }),
        pod("sg-d", "127.0.0.52", { app: "sg", [GROUP]: "g", [ROLE]: "decode" }),
        modelRoute("sg", {
          modelName: "sg",
          rules: [{ targetModels: [{ modelServerName: "sg" }] }],
        }),
      ],
      { scraper: { intervalMs: 0 } },
    );
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
  });

  it("sends prefill and decode concurrently with the same bootstrap room", async () => {
    const [a, b] = await Promise.all([
      postJson(`${t.url}/v1/chat/completions`, chat("sg")),
      postJson(`${t.url}/v1/chat/completions`, chat("sg", { stream: true })),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [p, d] = engines as [FakeEngine, FakeEngine];
    expect(p.received).toHaveLength(2);
    expect(d.received).toHaveLength(2);
    expect(new Set(p.received.map((r) => r.body.bootstrap_room))).toEqual(
      new Set(d.received.map((r) => r.body.bootstrap_room)),
    );
    for (const r of p.received) {
      expect(r.body.max_tokens).toBe(1);
      expect(r.body.stream).toBeUndefined();
    }
    // Both halves of a pair arrived within a few ms of each other.
    for (const r of d.received) {
      const twin = p.received.find((x) => x.body.bootstrap_room === r.body.bootstrap_room);
      expect(Math.abs((twin?.at ?? 0) - r.at)).toBeLessThan(500);
    }
  });
});

describe("PD against simulated engines", () => {
  const sims: SimServer[] = [];
  let t: TestRouter;

  beforeAll(async () => {
    const common = { model: "sim", timeScale: 0.01 } as const;
    const vp = await startSimServer({ ...common, host: "127.0.0.81", role: "prefill" });
    const vd = await startSimServer({
      ...common,
      host: "127.0.0.82",
      port: vp.port,
      role: "decode",
    });
    const sp = await startSimServer({
      ...common,
      engine: "sglang",
      host: "127.0.0.83",
      port: vp.port,
      role: "prefill",
      bootstrapPort: 0,
    });
    const sd = await startSimServer({
      ...common,
      engine: "sglang",
      host: "127.0.0.84",
      port: vp.port,
      role: "decode",
    });
    sims.push(vp, vd, sp, sd);
    t = await startRouter(
      [
        pdServer("vllm-pd", vp.port, { kvConnector: { type: "nixl" }, model: "sim" }),
        pdServer("sglang-pd", vp.port, { inferenceEngine: "SGLang", model: "sim" }),
        pod("v-p", "127.0.0.81", { app: "vllm-pd", [GROUP]: "a", [ROLE]: "prefill" }),
        pod("v-d", "127.0.0.82", { app: "vllm-pd", [GROUP]: "a", [ROLE]: "decode" }),
        pod(
          "s-p",
          "127.0.0.83",
          { app: "sglang-pd", [GROUP]: "a", [ROLE]: "prefill" },
          { annotations: { [SGLANG_BOOTSTRAP_PORT_ANNOTATION]: String(sp.bootstrapPort) } },
        ),
        pod("s-d", "127.0.0.84", { app: "sglang-pd", [GROUP]: "a", [ROLE]: "decode" }),
        modelRoute("v", {
          modelName: "vllm-pd",
          rules: [{ targetModels: [{ modelServerName: "vllm-pd" }] }],
        }),
        modelRoute("s", {
          modelName: "sglang-pd",
          rules: [{ targetModels: [{ modelServerName: "sglang-pd" }] }],
        }),
      ],
      { scraper: { intervalMs: 0 } },
    );
  });

  afterAll(async () => {
    await t.close();
    await Promise.all(sims.map((s) => s.close()));
  });

  for (const model of ["vllm-pd", "sglang-pd"]) {
    it(`${model}: the openai client gets a full completion; prefill ran on the prefill engine`, async () => {
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: "x", maxRetries: 0 });
      const r = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "tell me a story" }],
        max_tokens: 16,
      });
      expect(r.usage?.completion_tokens).toBe(16);
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "again" }],
        max_tokens: 8,
        stream: true,
      });
      let n = 0;
      for await (const c of stream) n += c.choices[0]?.delta.content ? 1 : 0;
      expect(n).toBeGreaterThan(0);
      const [p, d] = model === "vllm-pd" ? [sims[0], sims[1]] : [sims[2], sims[3]];
      expect(p?.engine.snapshot().finished).toBeGreaterThanOrEqual(2);
      expect(d?.engine.snapshot().finished).toBeGreaterThanOrEqual(2);
    });
  }
});
