import { z } from "zod";
import { SERVING_WINDOWS } from "../../services/metrics.ts";
import type { ServingWindow } from "../../services/metrics.ts";
import { Uuid } from "../common.ts";

export const ZServingInputSchema = z.strictObject({
  window: z
    .enum(Object.keys(SERVING_WINDOWS) as [ServingWindow, ...ServingWindow[]])
    .describe("15m (30 s buckets), 1h (1 min), 6h (5 min) or 24h (15 min)."),
  clusterId: Uuid.optional().describe("Only requests served by this cluster."),
});
export type TServingInputSchema = z.output<typeof ZServingInputSchema>;
