import { mutation, router } from "../../trpc/init.ts";
import { previewPlacement } from "./preview.handler.ts";

export const placementProcedures = [previewPlacement];

export const placementRouter = router({
  preview: mutation(previewPlacement),
});
