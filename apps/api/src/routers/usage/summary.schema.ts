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
      .default(["day", "model"])
      .describe("apiKey groups by caller: an API key, or a JWT subject (apiKeyId null)."),
    apiKeyId: Uuid.optional().describe("Only this API key's usage."),
    subject: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe("Only the usage of JWT callers with this `sub`."),
    model: z.string().min(1).max(253).optional(),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "must not be before from" })
  .refine((v) => v.apiKeyId === undefined || v.subject === undefined, {
    path: ["subject"],
    message: "cannot be combined with apiKeyId (a caller is a key or a JWT subject)",
  });
export type TSummaryInputSchema = z.output<typeof ZSummaryInputSchema>;
