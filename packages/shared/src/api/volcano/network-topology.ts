// Volcano's NetworkTopologySpec, shared by ModelServing (group and role policies) and PodGroup:
// how far apart (in HyperNode tiers) the pods of one gang may be placed.
import { z } from "zod";

export const NetworkTopologyModeSchema = z.enum(["hard", "soft"]);

export const NetworkTopologySpecSchema = z.strictObject({
  mode: NetworkTopologyModeSchema.default("hard").describe(
    "hard: never place the gang across a higher tier; soft: prefer not to.",
  ),
  highestTierAllowed: z
    .int32()
    .min(0)
    .optional()
    .describe("Highest HyperNode tier the gang may span."),
  highestTierName: z
    .string()
    .optional()
    .describe("Alternative to highestTierAllowed: a tier by name."),
});
export type NetworkTopologySpec = z.output<typeof NetworkTopologySpecSchema>;
