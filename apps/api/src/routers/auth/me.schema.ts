import { z } from "zod";

export const ZMeInputSchema = z.strictObject({}).default({}); // queries without input may omit it
export type TMeInputSchema = z.output<typeof ZMeInputSchema>;
