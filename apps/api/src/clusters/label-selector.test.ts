import { describe, expect, it } from "vitest";
import { labelSelectorProblem } from "./label-selector.ts";

describe("labelSelectorProblem", () => {
  it.each([
    "",
    "app=sim",
    "app==sim,tier!=web",
    "modelserving.volcano.sh/name=pd",
    "!canary",
    "app",
    "env in (prod, staging),tier notin (web)",
    "role in (prefill,decode),app=x",
    "app=",
  ])("accepts %j", (s) => {
    expect(labelSelectorProblem(s)).toBeUndefined();
  });

  it.each([
    ["app=sim,", "empty requirement"],
    ["app=sim,,x", "empty requirement"],
    ["app=(sim", "not a label requirement"],
    ["a b", "not a label requirement"],
    ["env in prod", "not a label requirement"],
    ["-bad=x", "not a label requirement"],
    [`k=${"v".repeat(64)}`, "not a label requirement"],
  ])("rejects %j", (s, why) => {
    expect(labelSelectorProblem(s)).toContain(why);
  });
});
