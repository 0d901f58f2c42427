import { defineProcedure } from "../../trpc/procedure.ts";
import { ZGetPricingInputSchema, ZSetPricingInputSchema } from "./pricing.schema.ts";

export const getPricing = defineProcedure({
  name: "usage.getPricing",
  type: "query",
  rest: { method: "GET", path: "/v1/pricing" },
  access: "authed",
  summary: "Showback prices per model (tokens or GPU-hours)",
  tags: ["usage"],
  input: ZGetPricingInputSchema,
  handler: ({ ctx }) => ctx.services.usage.getPricing(),
});

export const setPricing = defineProcedure({
  name: "usage.setPricing",
  type: "mutation",
  rest: { method: "PUT", path: "/v1/pricing" },
  access: "admin",
  summary: "Set showback prices",
  tags: ["usage"],
  input: ZSetPricingInputSchema,
  handler: ({ ctx, input }) => ctx.services.usage.setPricing(ctx, input),
});
