// Showback prices set by the operator: per million tokens, or per GPU-hour (apportioned by request
// duration × GPUs serving the model).
import { z } from "zod";
import type { Repositories } from "../repositories/index.ts";

export const ModelPriceSchema = z.strictObject({
  model: z
    .string()
    .min(1)
    .max(253)
    .describe('Model name, or "*" for every model without its own price.'),
  inputPerMillionTokens: z.number().min(0).optional(),
  cachedInputPerMillionTokens: z.number().min(0).optional(),
  outputPerMillionTokens: z.number().min(0).optional(),
  gpuHourPrice: z.number().min(0).optional().describe("Price of one GPU-hour."),
  gpusPerRequest: z
    .number()
    .min(0)
    .optional()
    .describe("GPUs a request occupies while it runs (e.g. a replica's GPUs ÷ its batch size)."),
});
export const PricingSchema = z.strictObject({
  currency: z.string().min(1).max(8).default("USD"),
  models: z.array(ModelPriceSchema).default([]),
});
export type Pricing = z.output<typeof PricingSchema>;
export type ModelPrice = z.output<typeof ModelPriceSchema>;

export interface UsageAmounts {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  durationMsSum: number;
}

export function priceFor(pricing: Pricing, model: string): ModelPrice | undefined {
  return (
    pricing.models.find((m) => m.model === model) ?? pricing.models.find((m) => m.model === "*")
  );
}

/** Cost of some usage of one model; cached prompt tokens use the cached price when set. */
export function costOf(pricing: Pricing, model: string, u: UsageAmounts): number {
  const p = priceFor(pricing, model);
  if (!p) return 0;
  const uncached = u.inputTokens - u.cachedInputTokens;
  const cachedPrice = p.cachedInputPerMillionTokens ?? p.inputPerMillionTokens ?? 0;
  const tokens =
    (uncached * (p.inputPerMillionTokens ?? 0) +
      u.cachedInputTokens * cachedPrice +
      u.outputTokens * (p.outputPerMillionTokens ?? 0)) /
    1e6;
  const gpu = (u.durationMsSum / 3_600_000) * (p.gpusPerRequest ?? 0) * (p.gpuHourPrice ?? 0);
  return Math.round((tokens + gpu) * 1e6) / 1e6;
}

/** Prices live in the `price_rules` table, so every API replica sees the same ones. */
export function pricingStore(repos: Repositories) {
  return {
    async get(): Promise<Pricing> {
      const rows = await repos.pricing.list();
      const defined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
      return PricingSchema.parse({
        currency: rows[0]?.currency ?? "USD",
        models: rows.map((r) =>
          Object.fromEntries(
            Object.entries({
              model: r.model,
              inputPerMillionTokens: defined(r.inputPerMillionTokens),
              cachedInputPerMillionTokens: defined(r.cachedInputPerMillionTokens),
              outputPerMillionTokens: defined(r.outputPerMillionTokens),
              gpuHourPrice: defined(r.gpuHourPrice),
              gpusPerRequest: defined(r.gpusPerRequest),
            }).filter(([, v]) => v !== undefined),
          ),
        ),
      });
    },
    async set(pricing: Pricing): Promise<Pricing> {
      await repos.pricing.replace(pricing.currency, pricing.models);
      return this.get();
    },
  };
}
export type PricingStore = ReturnType<typeof pricingStore>;
