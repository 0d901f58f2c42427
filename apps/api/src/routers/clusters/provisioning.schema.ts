import { z } from "zod";
import { PROVISIONING_PHASES } from "../../services/provisioning.ts";
import { DnsLabel, Uuid } from "../common.ts";

export const ZProvisioningInputSchema = z.strictObject({}).default({});
export type TProvisioningInputSchema = z.output<typeof ZProvisioningInputSchema>;

export const ZReportProvisioningInputSchema = z.strictObject({
  name: DnsLabel.describe("The cluster's name (the name it is, or will be, registered under)."),
  phase: z.enum(PROVISIONING_PHASES),
  step: z
    .string()
    .min(1)
    .max(200)
    .describe('What is happening now, e.g. "building kube-apiserver".'),
  message: z
    .string()
    .max(4000)
    .nullable()
    .optional()
    .describe("Detail, e.g. the error of a failure."),
  progress: z
    .strictObject({ done: z.int().min(0), total: z.int().min(1) })
    .refine((p) => p.done <= p.total, { path: ["done"], message: "must be ≤ total" })
    .nullable()
    .optional(),
  clusterId: Uuid.nullable()
    .optional()
    .describe("The registered cluster; default: the cluster registered under `name`, if any."),
});
export type TReportProvisioningInputSchema = z.output<typeof ZReportProvisioningInputSchema>;
