import { z } from "zod";

export const ZIngestInputSchema = z.strictObject({
  events: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(1000)
    .describe("Router usage events (see docs/api.md)."),
});
export type TIngestInputSchema = z.output<typeof ZIngestInputSchema>;
