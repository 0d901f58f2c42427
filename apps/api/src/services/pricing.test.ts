import { describe, expect, it } from "vitest";
import { PricingSchema, costOf } from "./pricing.ts";

const pricing = PricingSchema.parse({
  models: [
    {
      model: "llama",
      inputPerMillionTokens: 2,
      cachedInputPerMillionTokens: 1,
      outputPerMillionTokens: 6,
    },
    { model: "*", gpuHourPrice: 3, gpusPerRequest: 2 },
  ],
});

describe("showback cost", () => {
  it("prices tokens, with cached prompt tokens at their own price", () => {
    expect(
      costOf(pricing, "llama", {
        inputTokens: 1_000_000,
        cachedInputTokens: 500_000,
        outputTokens: 1_000_000,
        durationMsSum: 0,
      }),
    ).toBe(0.5 * 2 + 0.5 * 1 + 6);
  });
  it("prices GPU time through the wildcard", () => {
    expect(
      costOf(pricing, "other", {
        inputTokens: 5,
        cachedInputTokens: 0,
        outputTokens: 5,
        durationMsSum: 1_800_000,
      }),
    ).toBe(0.5 * 2 * 3);
  });
  it("is zero without a price", () => {
    expect(
      costOf(PricingSchema.parse({}), "llama", {
        inputTokens: 10,
        cachedInputTokens: 0,
        outputTokens: 10,
        durationMsSum: 10,
      }),
    ).toBe(0);
  });
});
