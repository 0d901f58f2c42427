// Value helpers that controllers and the router use next to the schemas.
import { describe, expect, it } from "vitest";
import { durationToMs } from "./duration.ts";
import { isZeroIntOrPercent, resolveIntOrPercent } from "./int-or-string.ts";
import { quantityToNumber } from "./quantity.ts";
import { formatFieldPath } from "../../validate/field-path.ts";

describe("int-or-percent", () => {
  it("resolves percentages against a total, rounding as asked", () => {
    expect(resolveIntOrPercent("25%", 10, false)).toBe(2);
    expect(resolveIntOrPercent("25%", 10, true)).toBe(3);
    expect(resolveIntOrPercent(4, 10, true)).toBe(4);
  });
  it("recognises every spelling of zero", () => {
    expect([0, "0%", "00%"].map(isZeroIntOrPercent)).toEqual([true, true, true]);
    expect([1, "10%", "100%"].map(isZeroIntOrPercent)).toEqual([false, false, false]);
  });
});

describe("quantities and durations", () => {
  it("converts quantities", () => {
    expect(quantityToNumber("0.5")).toBe(0.5);
    expect(quantityToNumber("100m")).toBeCloseTo(0.1);
    expect(quantityToNumber("8Gi")).toBe(8 * 2 ** 30);
    expect(quantityToNumber("1e3")).toBe(1000);
    expect(quantityToNumber(3)).toBe(3);
    expect(() => quantityToNumber("lots")).toThrow(/not a quantity/);
  });
  it("converts Go durations to milliseconds", () => {
    expect(durationToMs("15s")).toBe(15_000);
    expect(durationToMs("1m30s")).toBe(90_000);
    expect(durationToMs("100ms")).toBe(100);
    expect(durationToMs("0")).toBe(0);
    expect(() => durationToMs("15")).toThrow(/not a duration/);
  });
});

describe("field paths", () => {
  it("prints kubectl-style paths, quoting keys that are not plain names", () => {
    expect(formatFieldPath(["spec", "template", "roles", 1, "workerTemplate"])).toBe(
      "spec.template.roles[1].workerTemplate",
    );
    expect(
      formatFieldPath(["spec", "workloadSelector", "matchLabels", "modelserving.volcano.sh/name"]),
    ).toBe('spec.workloadSelector.matchLabels["modelserving.volcano.sh/name"]');
    expect(formatFieldPath([])).toBe("");
  });
});
