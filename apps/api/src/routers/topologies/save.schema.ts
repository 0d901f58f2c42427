import { z } from "zod";
import { DesignSpecSchema } from "@tessera/shared";

export const ZSaveInputSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  note: z.string().max(2000).optional().describe("What changed in this version."),
  spec: DesignSpecSchema,
});
export type TSaveInputSchema = z.output<typeof ZSaveInputSchema>;
