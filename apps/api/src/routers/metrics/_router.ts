import { query, router } from "../../trpc/init.ts";
import { servingMetrics } from "./serving.handler.ts";

export const metricsProcedures = [servingMetrics];

export const metricsRouter = router({
  serving: query(servingMetrics),
});
