import { z } from "zod";
import { DnsLabel, Uuid } from "../common.ts";

export const ZInstallInputSchema = z.strictObject({
  clusterId: Uuid,
  namespace: DnsLabel.optional().describe("Namespace of the components; default tessera-system."),
  values: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Chart values over values.yaml (checked against the chart's values.schema.json)."),
});
export type TInstallInputSchema = z.output<typeof ZInstallInputSchema>;
