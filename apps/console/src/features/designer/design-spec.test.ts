import { describe, expect, it } from "vitest";
import { derivedWorkers, fromSpec, toSpec } from "./design-spec";
import { defaultDesign } from "./model";

describe("designer ↔ saved design spec", () => {
  it("round-trips the default design through the API's spec", () => {
    const d = defaultDesign();
    const { spec, notKept } = toSpec(d);
    // The default design's workers match what the API derives (decode: TP2×PP2 ÷ 2 GPUs = 2 pods).
    expect(notKept).toEqual([]);
    expect(spec.roles.map((r) => [r.name, r.kind])).toEqual([
      ["prefill", "prefill"],
      ["decode", "decode"],
    ]);
    expect(spec.networkTopology).toEqual({
      group: { mode: "hard", highestTierAllowed: 2 },
      role: { mode: "hard", highestTierAllowed: 1 },
    });
    const back = fromSpec(spec, "unused");
    expect(back.design).toEqual(d);
    expect(back.notes).toEqual([]);
  });

  it("says what a save would not keep instead of dropping it", () => {
    const d = defaultDesign();
    d.routing = false;
    d.podLabels = { "tessera.io/engine": "sim" };
    const first = d.roles[0];
    if (!first) throw new Error("the default design has roles");
    d.roles[0] = { ...first, workerReplicas: 3 };
    const { notKept } = toSpec(d);
    expect(notKept).toEqual([
      expect.stringContaining("role prefill: 3 workers per replica (the API derives 0"),
      expect.stringContaining("no ModelServer/ModelRoute"),
      "pod label tessera.io/engine=sim",
    ]);
  });

  it("keeps fields the designer does not edit across load and save", () => {
    const { spec } = toSpec(defaultDesign());
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
    const again = toSpec(loaded.design, loaded.carried).spec;
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
