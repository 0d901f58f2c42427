import { describe, expect, it } from "vitest";
import { EndpointPool } from "../endpoints/pool.ts";
import type { ModelRoute, ModelServer, Pod } from "../sources/objects.ts";
import { buildRoutingTable, matchRoute } from "./table.ts";

const NET = "networking.serving.volcano.sh/v1alpha1";
const route = (
  name: string,
  spec: Record<string, unknown>,
  created = "2026-01-01T00:00:00Z",
): ModelRoute =>
  ({
    apiVersion: NET,
    kind: "ModelRoute",
    metadata: { name, namespace: "default", creationTimestamp: created },
    spec,
  }) as unknown as ModelRoute;
const server = (name: string, spec: Record<string, unknown> = {}): ModelServer =>
  ({
    apiVersion: NET,
    kind: "ModelServer",
    metadata: { name, namespace: "default" },
    spec: { inferenceEngine: "vLLM", workloadSelector: { matchLabels: { app: name } }, ...spec },
  }) as unknown as ModelServer;
const pod = (
  name: string,
  labels: Record<string, string>,
  ready = true,
  extra: Record<string, unknown> = {},
): Pod => ({
  metadata: { name, namespace: "default", labels, ...extra },
  status: {
    phase: "Running",
    podIP: `10.0.0.${name.length}`,
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  },
});

const routes = [
  route(
    "late",
    { modelName: "m", rules: [{ name: "late", targetModels: [{ modelServerName: "b" }] }] },
    "2026-02-01T00:00:00Z",
  ),
  route("early", {
    modelName: "m",
    rules: [
      {
        name: "hdr",
        modelMatch: { headers: { "x-user": { prefix: "vip-" } } },
        targetModels: [{ modelServerName: "a" }],
      },
      {
        name: "zero",
        modelMatch: { headers: { "x-zero": { exact: "1" } } },
        targetModels: [{ modelServerName: "a", weight: 0 }],
      },
      {
        name: "body",
        modelMatch: { body: { model: "other" } },
        targetModels: [{ modelServerName: "a" }],
      },
      {
        name: "uri",
        modelMatch: { uri: { exact: "/v1/completions" } },
        targetModels: [{ modelServerName: "b" }],
      },
      {
        name: "bad-regex",
        modelMatch: { headers: { "x-r": { regex: "(" } } },
        targetModels: [{ modelServerName: "a" }],
      },
    ],
  }),
  route("lora", {
    loraAdapters: ["m", "ad"],
    rules: [{ name: "l", targetModels: [{ modelServerName: "a" }] }],
  }),
  route("ext", {
    modelName: "ext",
    rules: [{ targetModels: [{ externalModelProviderName: "openai" }] }],
  }),
  route("gw", {
    modelName: "gw-only",
    parentRefs: [{ name: "gateway" }],
    rules: [{ targetModels: [{ modelServerName: "a" }] }],
  }),
];

describe("route matching", () => {
  const table = buildRoutingTable(
    { modelRoutes: routes, modelServers: [server("a"), server("b")], pods: [] },
    new EndpointPool(),
  );
  const cases: {
    name: string;
    model: string;
    headers?: Record<string, string>;
    path?: string;
    want: string | null;
  }[] = [
    {
      name: "older route first, header prefix rule",
      model: "m",
      headers: { "x-user": "vip-1" },
      want: "early/hdr",
    },
    {
      name: "zero-weight rule is skipped",
      model: "m",
      headers: { "x-zero": "1" },
      path: "/v1/chat/completions",
      want: "late/late",
    },
    { name: "URI exact", model: "m", path: "/v1/completions", want: "early/uri" },
    {
      name: "invalid regex never matches",
      model: "m",
      headers: { "x-r": "(" },
      path: "/v1/chat/completions",
      want: "late/late",
    },
    {
      name: "no rule in the first route matches → next route by age",
      model: "m",
      path: "/v1/chat/completions",
      want: "late/late",
    },
    { name: "LoRA index", model: "ad", want: "lora/l" },
    { name: "unknown model", model: "zzz", want: null },
    {
      name: "a route with parentRefs is ignored (no Gateway listeners)",
      model: "gw-only",
      want: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = matchRoute(
        table,
        c.model,
        c.headers ?? {},
        c.path ?? "/v1/chat/completions",
        () => 0.5,
      );
      expect(m === null ? null : `${m.route.name}/${m.rule.name}`).toBe(c.want);
    });
  }

  it("model-name index wins over the LoRA index for the same name", () => {
    const m = matchRoute(table, "m", {}, "/v1/chat/completions", () => 0.5);
    expect(m?.isLora).toBe(false);
  });

  it("an external provider target is reported as a missing ModelServer", () => {
    const m = matchRoute(table, "ext", {}, "/", () => 0.5);
    expect(m?.server).toBeNull();
    expect(m?.missingTarget).toMatch(/ExternalModelProvider openai/);
  });

  it("lists model names and LoRA adapters of usable routes only", () => {
    expect(table.modelIds).toEqual(["ad", "ext", "m"]);
  });

  it("reports an invalid regex once as a build warning", () => {
    expect(table.warnings.some((w) => w.includes("invalid regex"))).toBe(true);
  });
});

describe("endpoints and PD groups", () => {
  it("selects ready pods in the ModelServer's namespace and groups PD roles by groupKey (decode first)", () => {
    const pd = {
      groupKey: "g",
      prefillLabels: { role: "p" },
      decodeLabels: { role: "d" },
    };
    const table = buildRoutingTable(
      {
        modelRoutes: [],
        modelServers: [
          server("a", { workloadPort: { port: 9000 } }),
          server("pd", {
            workloadSelector: { matchLabels: { app: "pd" }, pdGroup: pd },
            trafficPolicy: { timeout: "1.5s", retry: { attempts: 2 } },
          }),
        ],
        pods: [
          pod("a1", { app: "a" }),
          pod("a2", { app: "a" }, false),
          pod("a3", { app: "a" }, true, { deletionTimestamp: "2026-01-01T00:00:00Z" }),
          {
            ...pod("a4", { app: "a" }),
            metadata: { name: "a4", namespace: "other", labels: { app: "a" } },
          },
          pod("p1", { app: "pd", g: "x", role: "p" }),
          pod("d1", { app: "pd", g: "x", role: "d" }),
          pod("p2", { app: "pd", g: "y", role: "p" }),
          pod("both", { app: "pd", g: "y", role: "d" }),
          pod("nogroup", { app: "pd", role: "d" }),
        ],
      },
      new EndpointPool(),
    );
    const a = table.servers.get("default/a");
    expect(a?.endpoints.map((e) => e.id)).toEqual(["default/a1:9000"]);
    const s = table.servers.get("default/pd");
    expect(s?.port).toBe(8000);
    expect(s?.timeoutMs).toBe(1500);
    expect(s?.retry).toEqual({ attempts: 2, intervalMs: 100 });
    expect(s?.connector).toBe("http");
    expect(
      Object.fromEntries(
        [...(s?.pd?.groups ?? [])].map(([g, v]) => [
          g,
          { p: v.prefill.map((e) => e.podName), d: v.decode.map((e) => e.podName) },
        ]),
      ),
    ).toEqual({
      x: { p: ["p1"], d: ["d1"] },
      y: { p: ["p2"], d: ["both"] },
    });
  });

  it("keeps endpoint objects (and their counters) across rebuilds", () => {
    const pool = new EndpointPool();
    const snap = { modelRoutes: [], modelServers: [server("a")], pods: [pod("a1", { app: "a" })] };
    const first = buildRoutingTable(snap, pool).servers.get("default/a")?.endpoints[0];
    if (first === undefined) throw new Error("no endpoint");
    first.inFlight = 3;
    const second = buildRoutingTable(snap, pool).servers.get("default/a")?.endpoints[0];
    expect(second).toBe(first);
    expect(
      buildRoutingTable({ ...snap, pods: [] }, pool).servers.get("default/a")?.endpoints,
    ).toEqual([]);
    expect(first.removed).toBe(true);
  });
});
