import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZPreviewInputSchema = z
  .strictObject({
    clusterId: Uuid,
    designId: Uuid.optional(),
    version: z.int().min(1).optional(),
    modelServing: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("A ModelServing manifest, instead of a design."),
    tierNames: z
      .record(z.string(), z.int().min(1))
      .optional()
      .describe("HyperNode tier names → tiers (for highestTierName)."),
  })
  .refine((v) => (v.designId === undefined) !== (v.modelServing === undefined), {
    path: ["designId"],
    message: "give exactly one of designId or modelServing",
  });
export type TPreviewInputSchema = z.output<typeof ZPreviewInputSchema>;
