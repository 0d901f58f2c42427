import { z } from "zod";
import { PricingSchema } from "../../services/pricing.ts";

export const ZGetPricingInputSchema = z.strictObject({}).default({}); // queries without input may omit it
export const ZSetPricingInputSchema = PricingSchema;
export type TSetPricingInputSchema = z.output<typeof ZSetPricingInputSchema>;
