// Volcano PodGroup (scheduling.volcano.sh/v1beta1). Volcano installs the CRD; Tessera only creates
// PodGroups for ServingGroups and reads their status, so this is a schema and type, never a CRD here.
import { z } from "zod";
import { LabelSelectorSchema } from "../common/label-selector.ts";
import { ResourceListSchema } from "../common/pod-template.ts";
import { duplicates } from "../common/collections.ts";
import { withRules } from "../common/rules.ts";
import { VOLCANO_SCHEDULING_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";
import { NetworkTopologySpecSchema } from "./network-topology.ts";

/** One gang inside the PodGroup (one per ModelServing role): pods sharing matchLabelKeys values form a sub-group. */
export const SubGroupPolicySchema = z.strictObject({
  name: z.string(),
  labelSelector: LabelSelectorSchema.optional(),
  matchLabelKeys: z.array(z.string()).optional(),
  subGroupSize: z.int32().min(1).optional(),
  minSubGroups: z.int32().min(0).optional(),
  networkTopology: NetworkTopologySpecSchema.optional(),
});

export const PodGroupSpecSchema = withRules(
  z.strictObject({
    minMember: z.int32().min(0).optional().describe("Pods that must be schedulable together."),
    minTaskMember: z
      .record(z.string(), z.int32().min(0))
      .optional()
      .describe("Per task (`<role>-<idx>`) minimum."),
    queue: z.string().optional(),
    priorityClassName: z.string().optional(),
    minResources: ResourceListSchema.optional(),
    networkTopology: NetworkTopologySpecSchema.optional(),
    subGroupPolicy: z.array(SubGroupPolicySchema).optional(),
  }),
  [
    {
      field: "subGroupPolicy",
      cel: "!has(self.subGroupPolicy) || self.subGroupPolicy.all(p, self.subGroupPolicy.exists_one(o, o.name == p.name))",
      message: "sub-group names must be unique",
      test: (s) =>
        duplicates((s.subGroupPolicy ?? []).map((p) => p.name)).map((i) => ({
          path: ["subGroupPolicy", i, "name"],
        })),
    },
  ],
);

// Volcano writes the status; newer Volcano versions may add fields, so unknown ones are kept.
export const PodGroupStatusSchema = z.looseObject({
  phase: z.string().optional(),
  conditions: z
    .array(
      z.strictObject({
        type: z.string(),
        status: z.string(),
        transitionID: z.string().optional(),
        lastTransitionTime: z.string().optional(),
        reason: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
  running: z.int32().optional(),
  succeeded: z.int32().optional(),
  failed: z.int32().optional(),
});

export const PodGroupResource = defineResource({
  apiVersion: VOLCANO_SCHEDULING_API_VERSION,
  kind: "PodGroup",
  plural: "podgroups",
  spec: PodGroupSpecSchema,
  status: PodGroupStatusSchema,
});
export const PodGroupSchema = PodGroupResource.schema;
export type PodGroup = z.output<typeof PodGroupSchema>;
