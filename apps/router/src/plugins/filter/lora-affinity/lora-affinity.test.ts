import { describe, expect, it } from "vitest";
import { cx, ep, handle, req } from "../../testing.ts";
import { loraAffinityFactory } from "./index.ts";
import type { LoraAffinityFilter } from "./index.ts";

describe("lora-affinity filter", () => {
  const withA = ep({ id: "a", metrics: { models: new Set(["base", "sql-lora"]) } });
  const withoutA = ep({ id: "b", metrics: { models: new Set(["base"]) } });
  const cases = [
    {
      name: "non-LoRA request: unchanged",
      params: {},
      r: req({ targetModel: "base" }),
      eps: [withA, withoutA],
      want: ["a", "b"],
    },
    {
      name: "LoRA: keeps endpoints with the adapter loaded",
      params: {},
      r: req({ targetModel: "sql-lora", isLora: true }),
      eps: [withA, withoutA],
      want: ["a"],
    },
    {
      name: "LoRA loaded nowhere, fallback all",
      params: {},
      r: req({ targetModel: "x-lora", isLora: true }),
      eps: [withA, withoutA],
      want: ["a", "b"],
    },
    {
      name: "LoRA loaded nowhere, fallback none",
      params: { fallback: "none" },
      r: req({ targetModel: "x-lora", isLora: true }),
      eps: [withA, withoutA],
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = loraAffinityFactory("la", c.params, handle()) as LoraAffinityFilter;
      expect(f.filter(cx(), c.r, c.eps).map((e) => e.id)).toEqual(c.want);
    });
  }
});
