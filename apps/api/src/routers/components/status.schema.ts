import { z } from "zod";
import { DnsLabel, Uuid } from "../common.ts";

export const ZStatusInputSchema = z.strictObject({
  clusterId: Uuid,
  namespace: DnsLabel.optional().describe(
    "Namespace whose health to read; default: that of the last install, else tessera-system.",
  ),
});
export type TStatusInputSchema = z.output<typeof ZStatusInputSchema>;
