import { mutation, query, router } from "../../trpc/init.ts";
import { ingestUsage } from "./ingest.handler.ts";
import { getPricing, setPricing } from "./pricing.handler.ts";
import { recentUsage } from "./recent.handler.ts";
import { usageSummary } from "./summary.handler.ts";

export const usageProcedures = [usageSummary, recentUsage, getPricing, setPricing, ingestUsage];

export const usageRouter = router({
  summary: query(usageSummary),
  recent: query(recentUsage),
  getPricing: query(getPricing),
  setPricing: mutation(setPricing),
  ingest: mutation(ingestUsage),
});
