import { describe, expect, it } from "vitest";
import { DesignSpecSchema, designYaml, renderDesign } from "@tessera/shared/design/index";
import { fromSpec, toSpec } from "./design-spec";
import { defaultDesign, type Design } from "./model";
import { previewDesign } from "./preview";

/** Save then load: the spec crosses the wire and PostgreSQL's jsonb as JSON; `get` parses it. */
const saveAndLoad = (d: Design) =>
  fromSpec(DesignSpecSchema.parse(JSON.parse(JSON.stringify(toSpec(d)))), "unused-fallback-image");
const manifestsOf = (d: Design) => previewDesign(d).manifests;

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
    expect(manifestsOf(back.design)).toEqual(manifestsOf(d));
    expect(manifestsOf(back.design).map((m) => m.kind)).toEqual(["ModelServing"]);
  });

  it("saves the gang minimum a relaxed role shows when none was typed", () => {
    const d: Design = { ...defaultDesign(), gang: "relaxed" };
    d.roles = d.roles.map((r, i) => ({ ...r, replicas: i }));
    // The form shows 1 (0 without replicas); the spec alone would gang all replicas.
    expect(toSpec(d).roles.map((r) => r.minReplicas)).toEqual([0, 1]);
    // A typed minimum is sent as typed, even above the replicas: the schema names the field.
    const withMin = (min: number) =>
      d.roles.map((r) => (r.name === "decode" ? { ...r, minReplicas: min } : r));
    d.roles = withMin(3);
    expect(toSpec(d).roles.map((r) => r.minReplicas)).toEqual([0, 3]);
    expect(previewDesign(d).messages).toContainEqual({
      level: "error",
      where: "role decode · gang min replicas",
      message: "must be ≤ replicas (1)",
    });
    d.roles = withMin(1);
    expect(manifestsOf(saveAndLoad(d).design)).toEqual(manifestsOf(d));
  });

  it("shows what the API renders for a relaxed spec without minimums and a kind the name does not say", () => {
    const spec = toSpec(defaultDesign());
    const saved = {
      ...spec,
      gang: "relaxed" as const,
      roles: spec.roles.map((r) => (r.name === "prefill" ? { ...r, kind: "mixed" as const } : r)),
    };
    const loaded = fromSpec(saved, "img");
    expect(loaded.design.roles.map((r) => [r.kind, r.replicas, r.minReplicas])).toEqual([
      ["mixed", 1, 1],
      [undefined, 2, 2],
    ]);
    expect(loaded.notes).toEqual([]);
    // The preview is the saved version's render, kinds and minimums included.
    expect(previewDesign(loaded.design).yaml).toBe(designYaml(renderDesign(saved)));
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
    expect(loaded.notes).toEqual([]);
    expect(loaded.design.gang).toBe("none");
    const again = toSpec(loaded.design, loaded.carried);
    expect(again.gang).toBe("none");
    expect(again.modelUri).toBe("s3://weights/qwen3");
    expect(again.autoscaling).toEqual({
      metric: "m",
      targetValue: 5,
      minReplicas: 1,
      maxReplicas: 4,
    });
    // The preview renders them too, as the API will.
    const preview = previewDesign(loaded.design, loaded.carried);
    expect(preview.manifests.map((m) => m.kind)).toContain("AutoscalingPolicy");
    expect(preview.yaml).toContain("s3://weights/qwen3");
    expect(preview.yaml).toContain("schedulerName: default-scheduler");
  });
});
