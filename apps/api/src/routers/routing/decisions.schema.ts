import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZDecisionsInputSchema = z.strictObject({
  clusterId: Uuid,
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type TDecisionsInputSchema = z.output<typeof ZDecisionsInputSchema>;
