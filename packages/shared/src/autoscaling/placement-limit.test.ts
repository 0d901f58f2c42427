import { describe, expect, it } from "vitest";
import { maxPlaceableGroups } from "../placement/place.ts";
import { role, spineLeafCluster } from "../placement/fixtures.test-support.ts";
import { applyPlacementLimit } from "./placement-limit.ts";
import { Recommender } from "./recommender.ts";
import type { ScalingParams } from "./types.ts";

const params: ScalingParams = {
  metrics: [{ name: "rps", targetValue: 10 }],
  tolerancePercent: 10,
  behavior: {
    scaleUp: {
      stablePolicy: {
        instances: 100,
        percent: 1000,
        periodMs: 0,
        selectPolicy: "Or",
        stabilizationWindowMs: 0,
      },
    },
    scaleDown: {
      instances: 100,
      percent: 100,
      periodMs: 0,
      selectPolicy: "Or",
      stabilizationWindowMs: 0,
    },
  },
  minReplicas: 1,
  maxReplicas: 20,
};

describe("applyPlacementLimit", () => {
  it("cuts a scale-up to the ServingGroups the cluster can place and explains why", () => {
    // 3 pods × 8 GPUs under one leaf: one group per leaf; two leaves already hold one each.
    const cluster = spineLeafCluster({
      "node-0": 8,
      "node-1": 8,
      "node-2": 8,
      "node-4": 8,
      "node-5": 8,
      "node-6": 8,
    });
    const template = {
      roles: [role("server", 1, 2, 8)],
      rolePolicy: { mode: "hard" as const, highestTierAllowed: 1 },
    };
    const placeable = maxPlaceableGroups(cluster, template);
    expect(placeable.count).toBe(2);
    const d = new Recommender(params).decide({
      now: 0,
      currentReplicas: 2,
      observations: { rps: { kind: "external", value: 80 } },
    });
    expect(d.desired).toBe(8);
    const limited = applyPlacementLimit(d, 2, placeable);
    expect(limited.desired).toBe(4);
    expect(limited.reason.limit).toBe("unschedulable");
    expect(limited.unschedulable).toMatch(
      /^Unschedulable: role server needs 3 pods × 8 GPUs under one tier-1 HyperNode/,
    );
    expect(limited.reason.message).toContain("only 2 of 6 new ServingGroup(s) can be placed → 4");
  });

  it("leaves scale-downs and placeable scale-ups alone", () => {
    const down = new Recommender(params).decide({
      now: 0,
      currentReplicas: 5,
      observations: { rps: { kind: "external", value: 20 } },
    });
    expect(applyPlacementLimit(down, 5, { count: 0 })).toBe(down);
    const up = new Recommender(params).decide({
      now: 0,
      currentReplicas: 2,
      observations: { rps: { kind: "external", value: 40 } },
    });
    expect(applyPlacementLimit(up, 2, { count: 2 })).toBe(up);
  });
});
