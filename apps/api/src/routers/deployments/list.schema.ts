import { z } from "zod";
import { Uuid } from "../common.ts";

export const ZListInputSchema = z
  .strictObject({
    clusterId: Uuid.optional(),
    name: z.string().max(253).optional(),
    includeDeleted: z
      .preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean())
      .default(false),
  })
  .prefault({});
export type TListInputSchema = z.output<typeof ZListInputSchema>;
