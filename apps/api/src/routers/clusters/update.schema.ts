import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZUpdateInputSchema = z.strictObject({
  clusterId: Uuid,
  displayName: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  region: z.string().max(100).nullable().optional(),
  labels: z.record(z.string().max(63), z.string().max(63)).optional(),
  disabled: z.boolean().optional(),
  kubeconfig: z.string().min(1).max(256_000).optional().describe("Replace the credentials."),
  context: z.string().optional(),
});
export type TUpdateInputSchema = z.output<typeof ZUpdateInputSchema>;

export const ZRemoveInputSchema = z.strictObject({
  clusterId: Uuid,
  confirm: z.string().describe("Must repeat the cluster's name."),
});
export type TRemoveInputSchema = z.output<typeof ZRemoveInputSchema>;
