import { describe, expect, it } from "vitest";
import { CLUSTER_MAX, oracleReplicaSeconds, simulate, traces } from "./autoscaling.ts";

describe("B6 autoscaling simulation", () => {
  it("the oracle provisions ⌈demand/capacity⌉, started readyDelay early", () => {
    const trace = [0, 0, 25, 25].map((demand, t) => ({ t: t * 1000, demand }));
    // need: 1,1,3,3 (min 1); with 1 s lead each second pays the max of itself and the next.
    expect(oracleReplicaSeconds(trace, 1000)).toBe(1 + 3 + 3 + 3);
    expect(oracleReplicaSeconds(trace, 0)).toBe(1 + 1 + 3 + 3);
  });

  it("Tessera never asks for groups the cluster cannot place; KPA and HPA leave pending ones on a 10× spike", () => {
    const spike = traces(1, 0.25)["spike"] ?? [];
    const tessera = simulate("tessera", spike, 60_000);
    expect(tessera.pendingSeconds).toBe(0);
    expect(Math.max(...tessera.series.map((s) => s.desired))).toBe(CLUSTER_MAX);
    expect(simulate("kpa", spike, 60_000).pendingSeconds).toBeGreaterThan(0);
  });

  it("HPA's 300 s scale-down window holds replicas longer than Tessera's after a step down", () => {
    const step = traces(1, 1)["step"] ?? [];
    const at = (r: ReturnType<typeof simulate>, t: number) =>
      r.series.find((s) => s.t === t)?.desired ?? NaN;
    const hpa = simulate("hpa", step, 60_000);
    const tessera = simulate("tessera", step, 60_000);
    // 200 s after the 1.5× → 0.5× step at 1200 s.
    expect(at(hpa, 1_400_000)).toBeGreaterThan(at(tessera, 1_400_000));
  });
});
