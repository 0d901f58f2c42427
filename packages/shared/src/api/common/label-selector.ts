// metav1.LabelSelector.
import { z } from "zod";
import { StringMapSchema } from "./object-meta.ts";

export const LabelSelectorRequirementSchema = z.strictObject({
  key: z.string(),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
  values: z.array(z.string()).optional(),
});

export const LabelSelectorSchema = z.strictObject({
  matchLabels: StringMapSchema.optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});
export type LabelSelector = z.output<typeof LabelSelectorSchema>;
