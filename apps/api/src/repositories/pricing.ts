import type { Db } from "./db.ts";

export interface PriceRow {
  model: string;
  inputPerMillionTokens?: number | undefined;
  cachedInputPerMillionTokens?: number | undefined;
  outputPerMillionTokens?: number | undefined;
  gpuHourPrice?: number | undefined;
  gpusPerRequest?: number | undefined;
}

export function pricingRepository(db: Db) {
  return {
    list: () => db.priceRule.findMany({ orderBy: { model: "asc" } }),
    /** Replaces every price in one transaction. */
    replace: (currency: string, rows: PriceRow[]) =>
      db.$transaction([
        db.priceRule.deleteMany({}),
        db.priceRule.createMany({
          data: rows.map((r) => ({
            model: r.model,
            currency,
            inputPerMillionTokens: r.inputPerMillionTokens ?? null,
            cachedInputPerMillionTokens: r.cachedInputPerMillionTokens ?? null,
            outputPerMillionTokens: r.outputPerMillionTokens ?? null,
            gpuHourPrice: r.gpuHourPrice ?? null,
            gpusPerRequest: r.gpusPerRequest ?? null,
          })),
        }),
      ]),
  };
}
