import { z } from "zod";
import { labelSelectorProblem } from "../../clusters/label-selector.ts";
import { RESOURCE_KIND_NAMES } from "../../clusters/resources.ts";
import { DnsLabel, Uuid } from "../common.ts";

export const ZListInputSchema = z.strictObject({
  clusterId: Uuid,
  kind: z.enum(RESOURCE_KIND_NAMES).describe("One of the allow-listed kinds."),
  namespace: DnsLabel.optional().describe(
    "Only this namespace (namespaced kinds); default: all namespaces.",
  ),
  labelSelector: z
    .string()
    .max(1000)
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? undefined : labelSelectorProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe(
      'Kubernetes label selector, e.g. "modelserving.volcano.sh/name=pd,role in (prefill)".',
    ),
});
export type TListInputSchema = z.output<typeof ZListInputSchema>;
