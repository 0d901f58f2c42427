// One invalid variant per rule: each starts from a valid manifest, breaks exactly one thing and must
// be rejected with the expected field path (and a message naming the rule).
import { describe, expect, it } from "vitest";
import { validateManifest } from "../validate/validate-manifest.ts";
import {
  cases,
  disaggregatedPolicy,
  homogeneousPolicy,
  hyperNode,
  modelBooster,
  modelRoute,
  modelServer,
  modelServing,
  podGroup,
} from "./__fixtures__/invalid-variants.ts";

describe("valid bases", () => {
  it.each(
    [
      modelServing,
      modelRoute,
      modelServer,
      modelBooster,
      homogeneousPolicy,
      disaggregatedPolicy,
      podGroup,
      hyperNode,
    ].map((f) => [f.name, f] as const),
  )("%s is valid", (_name, base) => {
    expect(validateManifest(base())).toMatchObject({ ok: true });
  });
});

describe("invalid variants", () => {
  it("has at least 40 distinct rules", () => {
    expect(new Set(cases.map((c) => c.rule)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.rule, c] as const))("%s", (_rule, c) => {
    const manifest = c.base();
    c.mutate(manifest);
    const result = validateManifest(manifest);
    if ("skipped" in result || result.ok) throw new Error(`accepted: ${JSON.stringify(result)}`);
    const atPath = result.issues.filter((i) => i.path === c.path);
    expect(atPath, JSON.stringify(result.issues)).not.toHaveLength(0);
    const messages = atPath.map((i) => i.message).join(" | ");
    if (typeof c.message === "string") expect(messages).toContain(c.message);
    else expect(messages).toMatch(c.message);
  });
});
