import { z } from "zod";
import { DnsLabel, Uuid } from "../common.ts";

export const ZEndpointsInputSchema = z.strictObject({
  clusterId: Uuid,
  namespace: DnsLabel.optional().describe(
    "Only endpoints of ModelServers (or pods) in this namespace.",
  ),
  modelServer: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe('Only this ModelServer: "namespace/name" or "name".'),
});
export type TEndpointsInputSchema = z.output<typeof ZEndpointsInputSchema>;
