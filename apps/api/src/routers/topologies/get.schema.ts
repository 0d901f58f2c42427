import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZListInputSchema = z.strictObject({}).default({}); // queries without input may omit it
export const ZGetInputSchema = z.strictObject({
  designId: Uuid,
  version: z.coerce.number().int().min(1).optional().describe("Default: the latest."),
});
export type TGetInputSchema = z.output<typeof ZGetInputSchema>;
