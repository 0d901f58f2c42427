import { z } from "zod";
import { TenantId } from "../common.ts";

export const ZUpdateInputSchema = z.strictObject({
  tenantId: TenantId,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  fairnessWeight: z.number().gt(0).max(1000).optional(),
  priorityClass: z.string().min(1).max(253).nullable().optional(),
  status: z.enum(["ACTIVE", "SUSPENDED", "ARCHIVED"]).optional(),
});
export type TUpdateInputSchema = z.output<typeof ZUpdateInputSchema>;
