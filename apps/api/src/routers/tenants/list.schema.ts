import { z } from "zod";

export const ZListInputSchema = z.strictObject({}).default({}); // queries without input may omit it
export type TListInputSchema = z.output<typeof ZListInputSchema>;
