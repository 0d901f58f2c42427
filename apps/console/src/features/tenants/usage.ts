// Pure shaping of a tenant's usage summary for the page: tokens per day stacked by model (every day
// of the range present, zeros included, so the chart keeps its width), totals per model for
// showback (with the requests a quota or rate limit refused), and the tokens a quota row has used.
import type { Quota, UsageSummary } from "~/lib/api-types";

type Row = UsageSummary["rows"][number];

/** UTC day `offset` days before `now`, as YYYY-MM-DD. */
export const dayOf = (offset = 0, now = Date.now()) =>
  new Date(now - offset * 86_400_000).toISOString().slice(0, 10);

export function tokensByDay(rows: readonly Row[], days: readonly string[]) {
  const models = [...new Set(rows.map((r) => r.model ?? "?"))].sort();
  const chart = days.map((d) => {
    const point: Record<string, number | string> = { day: d.slice(5) };
    for (const m of models)
      point[m] = rows
        .filter((r) => r.day === d && (r.model ?? "?") === m)
        .reduce((a, r) => a + r.totalTokens, 0);
    return point;
  });
  return { models, chart };
}

export function totalsByModel(rows: readonly Row[]) {
  const models = [...new Set(rows.map((r) => r.model ?? "?"))].sort();
  return models.map((model) => {
    const rs = rows.filter((r) => (r.model ?? "?") === model);
    return {
      model,
      requests: rs.reduce((a, r) => a + r.requests, 0),
      rateLimited: rs.reduce((a, r) => a + r.rateLimited, 0),
      input: rs.reduce((a, r) => a + r.inputTokens, 0),
      output: rs.reduce((a, r) => a + r.outputTokens, 0),
      cost: rs.reduce((a, r) => a + r.cost, 0),
    };
  });
}

/** Tokens counted against a quota row ("*" = the tenant's total). */
export function quotaUse(summary: UsageSummary | undefined, model: Quota["model"]): number {
  if (!summary) return 0;
  if (model === "*") return summary.totals.totalTokens;
  return summary.rows.filter((r) => r.model === model).reduce((a, r) => a + r.totalTokens, 0);
}
