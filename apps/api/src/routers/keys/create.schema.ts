import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZCreateInputSchema = z.strictObject({
  tenantId: TenantId,
  name: z.string().min(1).max(200),
  models: z
    .array(z.string().min(1).max(253))
    .max(100)
    .default([])
    .describe("Models the key may call; empty: all."),
  expiresAt: z.coerce
    .date()
    .optional()
    .describe("RFC 3339 time after which the key stops working."),
});
export type TCreateInputSchema = z.output<typeof ZCreateInputSchema>;
