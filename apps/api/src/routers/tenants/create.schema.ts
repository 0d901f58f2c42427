import { z } from "zod";
import { DnsLabel } from "../common.ts";

export const ZCreateInputSchema = z.strictObject({
  slug: DnsLabel.describe("Immutable name, pushed to clusters as the Tenant object's name."),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  fairnessWeight: z.number().gt(0).max(1000).optional(),
  priorityClass: z.string().min(1).max(253).optional(),
});
export type TCreateInputSchema = z.output<typeof ZCreateInputSchema>;
