import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registerBuiltinPlugins } from "../plugins/builtin.ts";
import { parseObjectsYaml } from "../sources/parse.ts";
import { DEFAULT_PLUGINS } from "./defaults.ts";
import { ConfigError, parseSchedulerConfigText, resolveSchedulerConfig } from "./loader.ts";

const registry = registerBuiltinPlugins();
const resolve = (raw: unknown) => resolveSchedulerConfig(raw, registry.isPicker);

describe("scheduler config defaults", () => {
  it("an empty config gets the built-in plugins, one default profile, built-in weights and a picker", () => {
    const r = resolve({});
    expect(r.plugins.map((p) => p.type)).toEqual(DEFAULT_PLUGINS.map((p) => p.type));
    expect(r.profiles).toEqual([
      {
        name: "default",
        maxCandidates: 5,
        plugins: [
          { pluginRef: "least-request", weight: 2 },
          { pluginRef: "kv-cache-usage", weight: 1 },
          { pluginRef: "prefix-cache", weight: 2 },
          { pluginRef: "lora-affinity", weight: 1 },
          { pluginRef: "max-score", weight: 1 },
        ],
      },
    ]);
  });

  it("names default to the type, weights default to 1, and a missing picker is added", () => {
    const r = resolve({
      plugins: [
        { type: "least-request" },
        { type: "prefix-cache", name: "pc", parameters: { blockSize: 32 } },
      ],
    });
    expect(r.plugins.map((p) => p.name)).toEqual(["least-request", "pc", "max-score"]);
    expect(r.profiles[0]?.plugins).toEqual([
      { pluginRef: "least-request", weight: 1 },
      { pluginRef: "pc", weight: 1 },
      { pluginRef: "max-score", weight: 1 },
    ]);
  });

  it("keeps explicit profiles, weights and pickers", () => {
    const r = resolve({
      plugins: [{ type: "least-request" }, { type: "random" }],
      profiles: [
        {
          name: "decode",
          maxCandidates: 2,
          plugins: [{ pluginRef: "least-request", weight: 3 }, { pluginRef: "random" }],
        },
      ],
    });
    expect(r.profiles).toEqual([
      {
        name: "decode",
        maxCandidates: 2,
        plugins: [
          { pluginRef: "least-request", weight: 3 },
          { pluginRef: "random", weight: 1 },
        ],
      },
    ]);
  });

  const bad: [string, unknown, RegExp][] = [
    [
      "duplicate names",
      { plugins: [{ type: "random" }, { type: "random" }] },
      /duplicate plugin name/,
    ],
    [
      "unknown reference",
      {
        plugins: [{ type: "random" }],
        profiles: [{ name: "x", plugins: [{ pluginRef: "nope" }] }],
      },
      /unknown plugin "nope"/,
    ],
    [
      "negative weight",
      {
        plugins: [{ type: "random" }],
        profiles: [{ name: "x", plugins: [{ pluginRef: "random", weight: -1 }] }],
      },
      /invalid scheduler config/,
    ],
    ["unknown field", { plugin: [] }, /invalid scheduler config/],
  ];
  for (const [name, raw, re] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => resolve(raw)).toThrow(ConfigError);
      expect(() => resolve(raw)).toThrow(re);
    });
  }
});

describe("example configs in infra/router-configs", () => {
  const dir = new URL("../../../../infra/router-configs/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  it("exist", () => expect(files.length).toBeGreaterThan(3));
  for (const f of files) {
    it(`${f} parses, validates and resolves`, () => {
      const text = readFileSync(new URL(f, dir), "utf8");
      if (f.startsWith("scheduler-")) {
        const r = resolve(parseSchedulerConfigText(text));
        expect(r.profiles.length).toBeGreaterThan(0);
        return;
      }
      const parsed = parseObjectsYaml(text, f);
      expect(parsed.snapshot.modelRoutes.length).toBeGreaterThan(0);
      if (parsed.schedulerConfig !== null) resolve(parsed.schedulerConfig);
    });
  }
});
