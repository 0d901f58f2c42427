import type { ModelServingLike } from "@tessera/shared/placement/index";
import { validateManifest } from "@tessera/shared";
import { ApiError } from "../../errors.ts";
import { defineProcedure } from "../../trpc/procedure.ts";
import { ZPreviewInputSchema } from "./preview.schema.ts";

export const previewPlacement = defineProcedure({
  name: "placement.preview",
  type: "mutation",
  rest: { method: "POST", path: "/v1/placement/preview" },
  access: "operator",
  summary: "Where each ServingGroup and role would land on a cluster's free GPUs, or why it cannot",
  tags: ["placement"],
  input: ZPreviewInputSchema,
  handler: async ({ ctx, input }) => {
    let ms: unknown;
    if (input.designId) {
      const rendered = await ctx.services.designs.render(input.designId, input.version);
      ms = rendered.manifests.find((m) => m.kind === "ModelServing");
    } else {
      const r = validateManifest(input.modelServing);
      if ("skipped" in r || r.kind !== "ModelServing") {
        throw new ApiError("API_ERR_VALIDATION", "modelServing: must be a ModelServing", {
          issues: [{ path: "modelServing", message: "must be a ModelServing" }],
        });
      }
      if (!r.ok) {
        const issues = r.issues.map((i) => ({
          path: `modelServing.${i.path}`,
          message: i.message,
        }));
        throw new ApiError(
          "API_ERR_VALIDATION",
          issues.map((i) => `${i.path}: ${i.message}`).join("; "),
          { issues },
        );
      }
      ms = r.value;
    }
    return ctx.services.placement.preview(input.clusterId, ms as ModelServingLike, input.tierNames);
  },
});
