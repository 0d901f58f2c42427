import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZDeployDesignInputSchema = z.strictObject({
  designId: Uuid,
  version: z.int().min(1).optional().describe("Default: the latest."),
  clusterIds: z.array(Uuid).min(1).max(50),
  force: z.boolean().default(false),
});
export type TDeployDesignInputSchema = z.output<typeof ZDeployDesignInputSchema>;
