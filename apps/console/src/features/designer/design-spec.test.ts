import { describe, expect, it } from "vitest";
import type { DesignSpec } from "~/lib/api-types";
import { derivedWorkers, fromSpec, toSpec } from "./design-spec";
import { buildManifests, defaultDesign, type Design } from "./model";

/** Save then load: the spec crosses the wire and PostgreSQL's jsonb as JSON. */
const saveAndLoad = (d: Design) =>
  fromSpec(JSON.parse(JSON.stringify(toSpec(d))) as DesignSpec, "unused-fallback-image");

describe("designer ↔ saved design spec", () => {
  it("round-trips the default design, leaving out values equal to the API's defaults", () => {
    const d = defaultDesign();
    const spec = toSpec(d);
    expect(spec.roles.map((r) => [r.name, r.kind])).toEqual([
      ["prefill", "prefill"],
      ["decode", "decode"],
    ]);
    expect(spec.networkTopology).toEqual({
      group: { mode: "hard", highestTierAllowed: 2 },
      role: { mode: "hard", highestTierAllowed: 1 },
    });
    // Workers equal the derived ones (decode: TP2×PP2 ÷ 2 GPUs = 2 pods), routing on, no labels: the
    // spec is what a save sent before the API knew these fields, so re-saving it is no new version.
    expect(spec.roles.map((r) => "workerReplicas" in r)).toEqual([false, false]);
    expect(Object.keys(spec)).not.toContain("podLabels");
    expect(Object.keys(spec)).not.toContain("routing");
    const back = saveAndLoad(d);
    expect(back.design).toEqual(d);
    expect(back.notes).toEqual([]);
  });

  it("round-trips every designer field through save → load", () => {
    const d: Design = {
      name: "llama-sim",
      namespace: "serving",
      model: "meta-llama/Llama-3.1-70B-Instruct",
      engine: "SGLang",
      image: "registry.example/sglang:v1",
      servingGroups: 3,
      roles: [
        {
          name: "prefill",
          replicas: 2,
          // The API would derive 1 (TP4×PP2 ÷ 4 GPUs = 2 pods).
          workerReplicas: 3,
          tensorParallel: 4,
          pipelineParallel: 2,
          gpusPerPod: 4,
          minReplicas: 1,
        },
        {
          name: "decode",
          replicas: 3,
          workerReplicas: 0,
          tensorParallel: 2,
          pipelineParallel: 1,
          gpusPerPod: 2,
          minReplicas: 2,
        },
      ],
      gang: "relaxed",
      groupTier: 1,
      roleTier: 0,
      topologyMode: "soft",
      routing: false,
      podLabels: { "tessera.io/engine": "sim", team: "inference" },
    };
    // Every field differs from the default design, so a field a save drops fails the test.
    const defaults = defaultDesign();
    for (const key of Object.keys(defaults) as (keyof Design)[])
      expect({ [key]: d[key] }).not.toEqual({ [key]: defaults[key] });
    const spec = toSpec(d);
    expect(spec).toMatchObject({
      podLabels: { "tessera.io/engine": "sim", team: "inference" },
      routing: false,
      roles: [{ workerReplicas: 3 }, { minReplicas: 2 }],
    });
    const back = saveAndLoad(d);
    expect(back.design).toEqual(d);
    expect(back.notes).toEqual([]);
    expect(buildManifests(back.design)).toEqual(buildManifests(d));
    expect(buildManifests(back.design).map((m) => m.kind)).toEqual(["ModelServing"]);
  });

  it("saves the gang minimum a relaxed role shows when none was typed", () => {
    const d: Design = { ...defaultDesign(), gang: "relaxed" };
    d.roles = d.roles.map((r, i) => ({ ...r, replicas: i }));
    // The form shows 1 and renders min(1, replicas); the API alone would render all replicas.
    expect(toSpec(d).roles.map((r) => r.minReplicas)).toEqual([0, 1]);
    expect(buildManifests(saveAndLoad(d).design)).toEqual(buildManifests(d));
  });

  it("shows what the API renders for a relaxed spec without minimums and notes kinds it cannot show", () => {
    const spec = toSpec(defaultDesign());
    const loaded = fromSpec(
      {
        ...spec,
        gang: "relaxed",
        roles: spec.roles.map((r) => (r.name === "prefill" ? { ...r, kind: "mixed" } : r)),
      },
      "img",
    );
    expect(loaded.design.roles.map((r) => [r.replicas, r.minReplicas])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(loaded.notes).toEqual([
      "role prefill is mixed in the saved design; the designer takes the kind from the name (prefill)",
    ]);
  });

  it("keeps fields the designer does not edit across load and save", () => {
    const spec = toSpec(defaultDesign());
    const loaded = fromSpec(
      {
        ...spec,
        gang: "none",
        modelUri: "s3://weights/qwen3",
        autoscaling: { metric: "m", targetValue: 5, minReplicas: 1, maxReplicas: 4 },
      },
      "img",
    );
    expect(loaded.notes).toEqual([expect.stringContaining('gang "none"')]);
    const again = toSpec(loaded.design, loaded.carried);
    expect(again.modelUri).toBe("s3://weights/qwen3");
    expect(again.autoscaling).toEqual({
      metric: "m",
      targetValue: 5,
      minReplicas: 1,
      maxReplicas: 4,
    });
  });

  it("derives workers as the API renders them", () => {
    expect(derivedWorkers({ tensorParallel: 8, pipelineParallel: 2, gpusPerPod: 8 })).toBe(1);
    expect(derivedWorkers({ tensorParallel: 1, pipelineParallel: 1, gpusPerPod: 0 })).toBe(0);
  });
});
