// Volcano HyperNode (topology.volcano.sh/v1alpha1): one performance domain (e.g. a leaf or spine
// switch) of the cluster's network tree. Volcano installs the CRD; Tessera reads HyperNodes to
// preview placements, so this is a schema and type only.
import { z } from "zod";
import { LabelSelectorSchema } from "../common/label-selector.ts";
import { withRules } from "../common/rules.ts";
import { VOLCANO_TOPOLOGY_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";

export const MemberSelectorSchema = withRules(
  z.strictObject({
    exactMatch: z.strictObject({ name: z.string().min(1) }).optional(),
    regexMatch: z.strictObject({ pattern: z.string().min(1) }).optional(),
    labelMatch: LabelSelectorSchema.optional(),
  }),
  [
    {
      cel: "(has(self.exactMatch) ? 1 : 0) + (has(self.regexMatch) ? 1 : 0) + (has(self.labelMatch) ? 1 : 0) == 1",
      message: "exactly one of exactMatch, regexMatch or labelMatch must be set",
      test: (s) =>
        [s.exactMatch, s.regexMatch, s.labelMatch].filter((x) => x !== undefined).length === 1,
    },
  ],
);

export const HyperNodeMemberSchema = z.strictObject({
  type: z
    .enum(["Node", "HyperNode"])
    .describe("Node: members are cluster nodes; HyperNode: lower-tier HyperNodes."),
  selector: MemberSelectorSchema,
});

export const HyperNodeSpecSchema = z.strictObject({
  tier: z.int32().min(0).describe("Lower tiers are faster networks (1 = leaf switch)."),
  tierName: z.string().optional(),
  members: z.array(HyperNodeMemberSchema).optional(),
});

// Volcano writes the status; newer Volcano versions may add fields, so unknown ones are kept.
export const HyperNodeStatusSchema = z.looseObject({
  conditions: z.array(z.looseObject({ type: z.string() })).optional(),
  nodeCount: z.int32().optional(),
});

export const HyperNodeResource = defineResource({
  apiVersion: VOLCANO_TOPOLOGY_API_VERSION,
  kind: "HyperNode",
  plural: "hypernodes",
  scope: "Cluster",
  spec: HyperNodeSpecSchema,
  status: HyperNodeStatusSchema,
});
export const HyperNodeSchema = HyperNodeResource.schema;
export type HyperNode = z.output<typeof HyperNodeSchema>;
