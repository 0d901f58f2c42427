import { describe, expect, it } from "vitest";
import type { UsageSummary } from "~/lib/api-types";
import { dayOf, quotaUse, tokensByDay, totalsByModel } from "./usage";

const row = (day: string, model: string, totalTokens: number, rateLimited = 0) => ({
  day,
  model,
  requests: 1,
  errors: rateLimited,
  rateLimited,
  inputTokens: totalTokens / 2,
  cachedInputTokens: 0,
  outputTokens: totalTokens / 2,
  totalTokens,
  durationMsSum: 10,
  avgTtftMs: null,
  cost: 0.5,
});

describe("tenant usage shaping", () => {
  it("keeps every day of the range, zeros included, stacked by model", () => {
    const rows = [
      row("2026-11-23", "b", 10, 1),
      row("2026-11-24", "a", 4),
      row("2026-11-24", "b", 6, 1),
    ];
    const { models, chart } = tokensByDay(rows, ["2026-11-22", "2026-11-23", "2026-11-24"]);
    expect(models).toEqual(["a", "b"]);
    expect(chart).toEqual([
      { day: "11-22", a: 0, b: 0 },
      { day: "11-23", a: 0, b: 10 },
      { day: "11-24", a: 4, b: 6 },
    ]);
    expect(totalsByModel(rows)).toEqual([
      { model: "a", requests: 1, rateLimited: 0, input: 2, output: 2, cost: 0.5 },
      { model: "b", requests: 2, rateLimited: 2, input: 8, output: 8, cost: 1 },
    ]);
  });

  it("counts a quota row's use: '*' is the tenant total", () => {
    const summary = {
      rows: [row("2026-11-24", "a", 4), row("2026-11-24", "b", 6)],
      totals: { totalTokens: 10 },
    } as unknown as UsageSummary;
    expect(quotaUse(summary, "*")).toBe(10);
    expect(quotaUse(summary, "b")).toBe(6);
    expect(quotaUse(undefined, "b")).toBe(0);
  });

  it("names UTC days", () => {
    expect(dayOf(1, Date.parse("2026-03-01T00:30:00Z"))).toBe("2026-02-28");
  });
});
