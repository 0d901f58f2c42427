import { z } from "zod";
import { DnsLabel } from "../common.ts";

export const ZRegisterInputSchema = z.strictObject({
  name: DnsLabel.describe("Unique, immutable; used in URLs."),
  displayName: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  region: z.string().max(100).optional(),
  labels: z.record(z.string().max(63), z.string().max(63)).optional(),
  kubeconfig: z
    .string()
    .min(1)
    .max(256_000)
    .describe("kubeconfig YAML; stored encrypted, never returned."),
  context: z.string().optional().describe("Context to use; default: current-context."),
  allowUnreachable: z
    .boolean()
    .default(false)
    .describe("Register even if the cluster cannot be reached now."),
});
export type TRegisterInputSchema = z.output<typeof ZRegisterInputSchema>;
