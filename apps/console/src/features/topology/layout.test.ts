import { describe, expect, it } from "vitest";
import { findViolations, layoutTopology, sampleFabric, spanTier, type TopoPod } from "./layout";

describe("topology layout", () => {
  it("orders nodes under their leaves and centres HyperNodes over them", () => {
    const l = layoutTopology(sampleFabric());
    expect(l.maxTier).toBe(2);
    expect(l.nodes.map((n) => n.name).slice(0, 5)).toEqual([
      "gpu-node-00",
      "gpu-node-01",
      "gpu-node-02",
      "gpu-node-03",
      "gpu-node-04",
    ]);
    const leaf1 = l.boxes.find((b) => b.name === "leaf-1");
    expect([leaf1?.x0, leaf1?.x1]).toEqual([4, 7]);
    const spine1 = l.boxes.find((b) => b.name === "spine-1");
    expect([spine1?.x0, spine1?.x1]).toEqual([8, 15]);
    expect(l.isTree).toBe(true);
  });

  it("finds groups spanning above their allowed tier", () => {
    const fabric = sampleFabric();
    expect(spanTier(fabric, ["gpu-node-00"])).toBe(0);
    expect(spanTier(fabric, ["gpu-node-00", "gpu-node-03"])).toBe(1);
    expect(spanTier(fabric, ["gpu-node-00", "gpu-node-05"])).toBe(2);
    expect(spanTier(fabric, ["gpu-node-00", "gpu-node-12"])).toBe(Infinity);
    const pod = (name: string, node: string, group: string): TopoPod => ({
      name,
      node,
      gpus: 1,
      modelServing: "ms",
      group,
      role: "decode",
    });
    const pods = [
      pod("a", "gpu-node-00", "g0"),
      pod("b", "gpu-node-09", "g0"),
      pod("c", "gpu-node-01", "g1"),
      pod("d", "gpu-node-02", "g1"),
    ];
    const v = findViolations(fabric, pods, () => ({ mode: "hard", highestTierAllowed: 1 }));
    expect(v.map((x) => x.group)).toEqual(["g0"]);
    expect(v[0]?.message).toContain("no common HyperNode");
    expect(findViolations(fabric, pods, () => undefined)).toEqual([]);
  });
});
