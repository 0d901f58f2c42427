import { z } from "zod";
import { DnsLabel, Uuid } from "../common.ts";

export const ZApplyInputSchema = z.strictObject({
  clusterIds: z.array(Uuid).min(1).max(50),
  namespace: DnsLabel.default("default"),
  name: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be a DNS subdomain name")
    .describe("Deployment name (one per namespace and cluster)."),
  manifests: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(50)
    .describe("ModelServing, ModelServer, ModelRoute, AutoscalingPolicy and ModelBooster objects."),
  force: z
    .boolean()
    .default(false)
    .describe("Take over fields another field manager owns (else the conflict is reported)."),
  designVersionId: Uuid.optional(),
});
export type TApplyInputSchema = z.output<typeof ZApplyInputSchema>;
