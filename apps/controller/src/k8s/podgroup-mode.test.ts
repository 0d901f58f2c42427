import { describe, expect, it } from "vitest";
import { podGroupModeFromCrd } from "./podgroup-mode.ts";

const crd = (specProps: Record<string, unknown>) => ({
  spec: {
    versions: [
      {
        name: "v1beta1",
        schema: { openAPIV3Schema: { properties: { spec: { properties: specProps } } } },
      },
    ],
  },
});

describe("podGroupModeFromCrd", () => {
  it.each([
    { name: "no CRD", crd: undefined, want: "none" },
    {
      name: "schema with subGroupPolicy",
      crd: crd({ minMember: {}, subGroupPolicy: {} }),
      want: "subGroupPolicy",
    },
    { name: "older schema", crd: crd({ minMember: {}, minTaskMember: {} }), want: "minTaskMember" },
  ])("$name → $want", ({ crd: c, want }) => {
    expect(podGroupModeFromCrd(c)).toBe(want);
  });
});
