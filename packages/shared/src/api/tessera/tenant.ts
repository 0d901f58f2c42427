// Tenant (tessera.io/v1alpha1): a MaaS tenant as routers see it — its fairness weight, priority
// class and token/request quotas per model. Written by the API server; read by routers.
import { z } from "zod";
import { defineResource } from "../resource.ts";
import { TESSERA_API_VERSION } from "./group.ts";

const limit = (what: string) => z.int().min(0).optional().describe(what);

export const TenantQuotaSchema = z.strictObject({
  model: z
    .string()
    .min(1)
    .max(253)
    .describe('Model name as clients request it; "*" covers every model without its own entry.'),
  inputTokensPerMinute: limit("Prompt tokens per minute."),
  inputTokensPerDay: limit("Prompt tokens per UTC day."),
  inputTokensPerMonth: limit("Prompt tokens per UTC month."),
  outputTokensPerMinute: limit("Generated tokens per minute."),
  outputTokensPerDay: limit("Generated tokens per UTC day."),
  outputTokensPerMonth: limit("Generated tokens per UTC month."),
  totalTokensPerMinute: limit("Prompt + generated tokens per minute."),
  totalTokensPerDay: limit("Prompt + generated tokens per UTC day."),
  totalTokensPerMonth: limit("Prompt + generated tokens per UTC month."),
  requestsPerMinute: limit("Requests per minute."),
  concurrentRequests: limit("Requests in flight at once."),
});
export type TenantQuota = z.output<typeof TenantQuotaSchema>;

export const TenantSpecSchema = z.strictObject({
  displayName: z.string().max(200).optional(),
  weight: z.number().gt(0).default(1).describe("Relative share in the router's fair queue."),
  priorityClass: z.string().max(253).optional(),
  suspended: z.boolean().default(false).describe("Routers reject every key of a suspended tenant."),
  quotas: z.array(TenantQuotaSchema).default([]).describe("Absent limits are unlimited."),
});
export type TenantSpec = z.output<typeof TenantSpecSchema>;

export const TenantResource = defineResource({
  apiVersion: TESSERA_API_VERSION,
  kind: "Tenant",
  plural: "tenants",
  description: "A MaaS tenant: fairness weight, priority and token quotas enforced by routers.",
  spec: TenantSpecSchema,
  status: z.strictObject({ observedGeneration: z.int().optional() }),
  crd: {
    categories: ["tessera"],
    printerColumns: [
      { name: "Weight", type: "number", jsonPath: ".spec.weight" },
      { name: "Suspended", type: "boolean", jsonPath: ".spec.suspended" },
    ],
  },
});
export const TenantObjectSchema = TenantResource.schema;
export type TenantObject = z.output<typeof TenantResource.schema>;
