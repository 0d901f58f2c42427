import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListInputSchema } from "./list.schema.ts";

export const listAudit = defineProcedure({
  name: "audit.list",
  type: "query",
  rest: { method: "GET", path: "/v1/audit" },
  access: "operator",
  summary: "Audit log: who changed what, where, before and after (newest first)",
  tags: ["audit"],
  input: ZListInputSchema,
  handler: ({ ctx, input }) => ctx.services.audit.list(input),
});
