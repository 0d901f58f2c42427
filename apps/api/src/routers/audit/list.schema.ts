import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZListInputSchema = z
  .strictObject({
    tenantId: Uuid.optional(),
    clusterId: Uuid.optional(),
    action: z.string().max(100).optional().describe("Prefix of the action, e.g. `deployment.`"),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    beforeId: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Page: entries older than this id."),
  })
  .prefault({});
export type TListInputSchema = z.output<typeof ZListInputSchema>;
