import { z } from "zod";
import { TenantId, Uuid } from "../common.ts";

const day = z.iso.date({ error: "must be a date (YYYY-MM-DD)" });

export const ZSummaryInputSchema = z
  .strictObject({
    tenantId: TenantId,
    from: day.describe("First UTC day, inclusive."),
    to: day.describe("Last UTC day, inclusive."),
    groupBy: z
      .preprocess(
        (v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v),
        z.array(z.enum(["day", "model", "apiKey"])),
      )
      .default(["day", "model"]),
    apiKeyId: Uuid.optional(),
    model: z.string().min(1).max(253).optional(),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "must not be before from" });
export type TSummaryInputSchema = z.output<typeof ZSummaryInputSchema>;
