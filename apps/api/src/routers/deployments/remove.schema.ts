import { z } from "zod";
import { DnsLabel, Uuid } from "../common.ts";

export const ZRemoveInputSchema = z.strictObject({
  namespace: DnsLabel,
  name: z.string().min(1).max(253),
  clusterIds: z.array(Uuid).min(1),
  confirm: z.string().describe("Must repeat the deployment's name."),
});
export type TRemoveInputSchema = z.output<typeof ZRemoveInputSchema>;
