import { beforeAll, describe, expect, it } from "vitest";
import type { Highs } from "highs";
import {
  heterogeneousModel,
  kthenaCostBlocks,
  kthenaForDemand,
  loadHighsSolver,
  optimiseHeterogeneous,
  type HeterogeneousTarget,
} from "./heterogeneous.ts";
import { mulberry32 } from "./replay.ts";

/** Exhaustive optimum: minimal cost, then minimal churn. */
function bruteForce(targets: readonly HeterogeneousTarget[], demand: number) {
  let best: { cost: number; churn: number } | undefined;
  const x = targets.map((t) => t.min);
  const visit = (i: number): void => {
    if (i === targets.length) {
      let cap = 0;
      let cost = 0;
      let churn = 0;
      targets.forEach((t, j) => {
        const v = x[j] ?? 0;
        cap += t.capacity * v;
        cost += t.cost * v;
        churn += Math.abs(v - t.current);
      });
      if (cap < demand - 1e-9) return;
      if (
        !best ||
        cost < best.cost - 1e-9 ||
        (Math.abs(cost - best.cost) <= 1e-9 && churn < best.churn)
      )
        best = { cost, churn };
      return;
    }
    const t = targets[i];
    if (!t) return;
    for (let v = t.min; v <= t.max; v++) {
      x[i] = v;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighsSolver();
});

describe("optimiseHeterogeneous (HiGHS MILP)", () => {
  it("caches the loaded solver", async () => {
    expect(await loadHighsSolver()).toBe(highs);
  });

  it("matches a brute-force optimum (cost, then churn) on 200 random small instances", async () => {
    const rnd = mulberry32(1234);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let feasible = 0;
    const started = performance.now();
    for (let k = 0; k < 200; k++) {
      const n = int(1, 4);
      const targets: HeterogeneousTarget[] = Array.from({ length: n }, (_, i) => {
        const min = int(0, 2);
        const max = min + int(0, 5);
        return {
          name: `t${i}`,
          cost: int(0, 12) * 5,
          capacity: int(1, 10) + (rnd() < 0.3 ? 0.5 : 0),
          min,
          max,
          current: int(0, max + 1),
        };
      });
      const maxCap = targets.reduce((a, t) => a + t.capacity * t.max, 0);
      const demand = Math.round(rnd() * maxCap * 1.1 * 2) / 2;
      const plan = await optimiseHeterogeneous(targets, demand, { highs });
      const brute = bruteForce(targets, demand);
      const ctx = JSON.stringify({ targets, demand, plan });
      if (!brute) {
        expect(plan.feasible, ctx).toBe(false);
        expect(Object.values(plan.replicas), ctx).toEqual(targets.map((t) => t.max));
        continue;
      }
      feasible++;
      expect(plan.feasible, ctx).toBe(true);
      expect(plan.capacity, ctx).toBeGreaterThanOrEqual(demand);
      expect(plan.cost, ctx).toBeCloseTo(brute.cost, 9);
      expect(plan.churn, ctx).toBe(brute.churn);
      targets.forEach((t) => {
        expect(plan.replicas[t.name], ctx).toBeGreaterThanOrEqual(t.min);
        expect(plan.replicas[t.name], ctx).toBeLessThanOrEqual(t.max);
      });
    }
    expect(feasible).toBeGreaterThan(150);
    // Recorded for the report: typically a few ms per instance after warm-up.
    console.info(
      `heterogeneous MILP: ${((performance.now() - started) / 200).toFixed(2)} ms per instance`,
    );
  });

  it("keeps already-running replicas when the cost is equal", async () => {
    // Two identical GPU types; demand fits 3 replicas; 3 already run on B.
    const targets = [
      { name: "a", cost: 10, capacity: 5, min: 0, max: 4, current: 0 },
      { name: "b", cost: 10, capacity: 5, min: 0, max: 4, current: 3 },
    ];
    const plan = await optimiseHeterogeneous(targets, 14, { highs });
    expect(plan.replicas).toEqual({ a: 0, b: 3 });
    expect(plan.churn).toBe(0);
    // But a real saving wins over keeping replicas, even a saving of 1 cost unit.
    const cheaper = [
      { name: "a", cost: 9, capacity: 5, min: 0, max: 4, current: 0 },
      { name: "b", cost: 10, capacity: 5, min: 0, max: 4, current: 3 },
    ];
    const moved = await optimiseHeterogeneous(cheaper, 14, { highs });
    expect(moved.replicas).toEqual({ a: 3, b: 0 });
    expect(moved.cost).toBe(27);
  });

  it("fractional costs are scaled to integers so ε never overrides them", async () => {
    const targets = [
      { name: "a", cost: 1.25, capacity: 1, min: 0, max: 10, current: 0 },
      { name: "b", cost: 1.26, capacity: 1, min: 0, max: 10, current: 10 },
    ];
    expect(heterogeneousModel(targets, 5)).toContain("obj: 2625 x0 + d0 + 2646 x1 + d1"); // s = 100, D = 20 ⇒ weight 21;
    const plan = await optimiseHeterogeneous(targets, 5, { highs });
    expect(plan.replicas).toEqual({ a: 5, b: 0 });
  });

  it("reports infeasible demand with the best effort (all at max)", async () => {
    const targets = [
      { name: "h100", cost: 100, capacity: 10, min: 0, max: 2, current: 1 },
      { name: "a100", cost: 60, capacity: 4, min: 1, max: 3, current: 1 },
    ];
    const plan = await optimiseHeterogeneous(targets, 50, { highs });
    expect(plan.feasible).toBe(false);
    expect(plan.replicas).toEqual({ h100: 2, a100: 3 });
    expect(plan.shortfall).toBe(18);
    expect(plan.message).toMatch(/^Infeasible: demand 50 exceeds .* \(32\)/);
  });

  it("respects minimums even when demand is zero", async () => {
    const plan = await optimiseHeterogeneous(
      [
        { name: "a", cost: 3, capacity: 1, min: 2, max: 5, current: 4 },
        { name: "b", cost: 1, capacity: 1, min: 0, max: 5, current: 0 },
      ],
      0,
      { highs },
    );
    expect(plan.replicas).toEqual({ a: 2, b: 0 });
  });
});

describe("Kthena cost-block heuristic", () => {
  it("cuts ranges into 1, r, r², … blocks and fills the cheapest first", () => {
    const params = [
      { cost: 100, min: 0, max: 4 }, // blocks 1(100) 2(200) 1(100)
      { cost: 60, min: 1, max: 8 }, // range 7: blocks 1(60) 2(120) 4(240)
    ];
    // Order: a100×1 (60), h100×1 (100), h100 last×1 (100), a100×2 (120), h100×2 (200), a100×4 (240)
    expect(kthenaCostBlocks(params, 1)).toEqual([0, 1]);
    expect(kthenaCostBlocks(params, 2)).toEqual([0, 2]);
    expect(kthenaCostBlocks(params, 3)).toEqual([1, 2]);
    expect(kthenaCostBlocks(params, 5)).toEqual([2, 3]);
    expect(kthenaCostBlocks(params, 12)).toEqual([4, 8]);
    expect(kthenaCostBlocks(params, 6, 100)).toEqual([4, 2]); // r = 1 ⇒ one block per target: h100×4 (400) before a100×7 (420)
  });

  it("is worse than the optimum when the cheaper replica has a worse cost per capacity", async () => {
    // H100: cost 100 for 10 units (10/unit). A100: cost 60 for 3 units (20/unit).
    const targets = [
      { name: "h100", cost: 100, capacity: 10, min: 0, max: 4, current: 0 },
      { name: "a100", cost: 60, capacity: 3, min: 0, max: 8, current: 0 },
    ];
    const greedy = kthenaForDemand(targets, 30);
    const best = await optimiseHeterogeneous(targets, 30, { highs });
    expect(best.replicas).toEqual({ h100: 3, a100: 0 });
    expect(best.cost).toBe(300);
    expect(greedy.feasible).toBe(true);
    expect(greedy.cost).toBeGreaterThan(best.cost);
    expect(greedy.replicas).toEqual({ h100: 2, a100: 4 });
    expect(greedy.cost).toBe(440);
  });
});
