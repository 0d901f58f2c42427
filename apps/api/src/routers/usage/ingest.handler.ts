import { defineProcedure } from "../../trpc/procedure.ts";
import { ZIngestInputSchema } from "./ingest.schema.ts";

export const ingestUsage = defineProcedure({
  name: "usage.ingest",
  type: "mutation",
  rest: { method: "POST", path: "/v1/usage/events" },
  access: "admin",
  summary:
    "Ingest router usage events directly (idempotent by requestId); the Redis stream is the normal path",
  tags: ["usage"],
  input: ZIngestInputSchema,
  handler: async ({ ctx, input }) => {
    const counts = { ingested: 0, duplicate: 0, rejected: 0 };
    const rejected: { index: number; reason: string }[] = [];
    for (const [index, e] of input.events.entries()) {
      const r = await ctx.services.usage.ingest(e);
      counts[r.result]++;
      if (r.result === "rejected") rejected.push({ index, reason: r.reason ?? "rejected" });
    }
    return { ...counts, rejectedEvents: rejected };
  },
});
