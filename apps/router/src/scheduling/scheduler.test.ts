import { describe, expect, it } from "vitest";
import { resolveSchedulerConfig } from "../config/loader.ts";
import type { Endpoint } from "../framework/endpoint.ts";
import type { PluginFactory } from "../framework/plugin.ts";
import type { Scorer } from "../framework/scheduling.ts";
import { createRouterMetrics } from "../metrics/metrics.ts";
import { registerBuiltinPlugins } from "../plugins/builtin.ts";
import { ep, handle, req } from "../plugins/testing.ts";
import { DecisionRing } from "../observability/debug.ts";
import { PluginRegistry } from "./registry.ts";
import { Scheduler, SchedulingError } from "./scheduler.ts";

/** A scorer returning fixed raw scores by endpoint id (may be outside [0,1] to test clamping). */
const fixed =
  (table: Record<string, number>): PluginFactory =>
  (name) =>
    ({
      typedName: { type: "fixed", name },
      category: "balance",
      score(_cx, _r, eps: readonly Endpoint[], out: Float64Array) {
        eps.forEach((e, i) => (out[i] = table[e.id] ?? 0));
      },
    }) satisfies Scorer;

function build(
  raw: unknown,
  extra: (r: PluginRegistry) => void = () => undefined,
  previous?: Scheduler,
) {
  const registry = registerBuiltinPlugins(new PluginRegistry());
  extra(registry);
  const metrics = createRouterMetrics({ defaultMetrics: false });
  return {
    s: new Scheduler(
      resolveSchedulerConfig(raw, registry.isPicker),
      registry,
      handle(),
      metrics,
      previous,
    ),
    metrics,
    registry,
  };
}

describe("scheduler engine", () => {
  const [a, b, c] = ["a", "b", "c"].map((id) => ep({ id })) as [Endpoint, Endpoint, Endpoint];

  const cases = [
    {
      name: "weights multiply clamped scores",
      wx: 1,
      wy: 3,
      x: { a: 1, b: 0, c: 0.5 },
      y: { a: 0, b: 0.5, c: 0.2 },
      want: ["b", "c", "a"],
    },
    {
      name: "scores above 1 are clamped to 1",
      wx: 1,
      wy: 1,
      x: { a: 7, b: 1, c: 0 },
      y: { a: 0, b: 0.5, c: 0 },
      want: ["b", "a", "c"],
    },
    {
      name: "weight 0 disables a scorer",
      wx: 0,
      wy: 1,
      x: { a: 1, b: 0, c: 0 },
      y: { a: 0, b: 0.2, c: 0.1 },
      want: ["b", "c", "a"],
    },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const { s } = build(
        {
          plugins: [{ type: "x" }, { type: "y" }],
          profiles: [
            {
              name: "default",
              plugins: [
                { pluginRef: "x", weight: tc.wx },
                { pluginRef: "y", weight: tc.wy },
              ],
            },
          ],
        },
        (r) => {
          r.register("x", fixed(tc.x), ["scorer"]);
          r.register("y", fixed(tc.y), ["scorer"]);
        },
      );
      const picked = await s.profile("default").run(req(), [a, b, c], null);
      expect(picked.map((e) => e.id)).toEqual(tc.want);
    });
  }

  it("fails with the filter's name when a filter empties the set", async () => {
    const { s } = build({ plugins: [{ type: "lora-affinity", parameters: { fallback: "none" } }] });
    await expect(
      s.profile("default").run(req({ isLora: true, targetModel: "l" }), [a], null),
    ).rejects.toThrow(SchedulingError);
    await expect(
      s.profile("default").run(req({ isLora: true, targetModel: "l" }), [a], null),
    ).rejects.toThrow(/lora-affinity/);
  });

  it("times every plugin call in the framework and records decisions with per-plugin scores", async () => {
    const { s, metrics } = build({}, () => undefined);
    const ring = new DecisionRing(4);
    for (let i = 0; i < 6; i++)
      await s.profile("default").run(req({ prompt: "x".repeat(200) }), [a, b], ring);
    const text = await metrics.registry.metrics();
    for (const [point, type] of [
      ["filter", "least-request"],
      ["score", "prefix-cache"],
      ["pick", "max-score"],
    ]) {
      expect(text).toMatch(
        new RegExp(
          `tessera_router_scheduler_plugin_duration_seconds_count\\{extension_point="${point}",plugin_type="${type}",plugin_name="${type}"\\} 6`,
        ),
      );
    }
    const d = ring.list();
    expect(d).toHaveLength(4);
    expect(Object.keys(d[0]?.candidates[0]?.scores ?? {})).toEqual([
      "least-request",
      "kv-cache-usage",
      "prefix-cache",
    ]);
  });

  it("runs pre-request and post-response hooks and takes decision times from the plugin clock", async () => {
    const registry = registerBuiltinPlugins(new PluginRegistry());
    const s = new Scheduler(
      resolveSchedulerConfig({ plugins: [{ type: "prefix-cache" }] }, registry.isPicker),
      registry,
      { ...handle(), now: () => Date.UTC(2030, 0, 1) },
      createRouterMetrics({ defaultMetrics: false }),
    );
    const p = s.profile("default");
    expect(p.pre.map((x) => x.typedName.type)).toEqual(["prefix-cache"]);
    expect(p.post.map((x) => x.typedName.type)).toEqual(["prefix-cache"]);
    const r = req({ prompt: "y".repeat(256) });
    p.preRequest(r, b);
    const ring = new DecisionRing(1);
    expect((await p.run(r, [a, b], ring)).map((e) => e.id)).toEqual(["b", "a"]);
    expect(ring.list()[0]?.at).toBe("2030-01-01T00:00:00.000Z");
  });

  it("falls back from prefill/decode to the default profile", () => {
    const { s } = build({});
    expect(s.profile("decode").name).toBe("default");
  });

  it("reuses plugin instances (and their state) when type, name and parameters are unchanged", () => {
    const cfg = { plugins: [{ type: "prefix-cache" }, { type: "least-request" }] };
    const first = build(cfg).s;
    const same = build(cfg, () => undefined, first).s;
    const changed = build(
      {
        plugins: [
          { type: "prefix-cache", parameters: { blockSize: 8 } },
          { type: "least-request" },
        ],
      },
      () => undefined,
      first,
    ).s;
    const pc = (x: Scheduler) =>
      x.profile("default").scorers.find((sc) => sc.plugin.typedName.type === "prefix-cache")
        ?.plugin;
    expect(pc(same)).toBe(pc(first));
    expect(pc(changed)).not.toBe(pc(first));
  });

  it("rejects unknown plugin types and two pickers in one profile", () => {
    expect(() => build({ plugins: [{ type: "nope" }] })).toThrow(/unknown plugin type "nope"/);
    expect(() => build({ plugins: [{ type: "random" }, { type: "round-robin" }] })).toThrow(
      /two pickers/,
    );
  });
});
