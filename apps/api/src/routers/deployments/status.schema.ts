import { z } from "zod";
import { DnsLabel, idList } from "../common.ts";

export const ZStatusInputSchema = z.strictObject({
  namespace: DnsLabel,
  name: z.string().min(1).max(253),
  clusterIds: idList.optional(),
});
export type TStatusInputSchema = z.output<typeof ZStatusInputSchema>;
