import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AutoscalingPolicySchema } from "../api/workload/autoscaling-policy.ts";
import { fromAutoscalingPolicy } from "./convert.ts";
import { DisaggregatedRecommender } from "./ratio.ts";
import { Recommender } from "./recommender.ts";

const policy = (spec: string) =>
  AutoscalingPolicySchema.parse({
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "AutoscalingPolicy",
    metadata: { name: "p" },
    spec: parse(spec) as unknown,
  }).spec;

describe("fromAutoscalingPolicy", () => {
  it("converts kthena.md §2.7's homogeneous example (durations → ms, quantities → numbers)", () => {
    const c = fromAutoscalingPolicy(
      policy(`
tolerancePercent: 10
metrics: [{name: podinfo_rps, targetValue: "0.5"}]
behavior:
  scaleDown: {period: 15s, stabilizationWindow: 30s, instances: 1, percent: 100, selectPolicy: Or}
  scaleUp:
    stablePolicy: {period: 15s, stabilizationWindow: 0s, instances: 2, percent: 100, selectPolicy: Or}
    panicPolicy:  {period: 5s, percent: 200, panicThresholdPercent: 200, panicModeHold: 30s}
homogeneousTarget:
  minReplicas: 1
  maxReplicas: 6
  target:
    targetRef: {kind: ModelServing, name: podinfo-ms}
`),
    );
    expect(c).toEqual({
      kind: "homogeneous",
      targetName: "podinfo-ms",
      params: {
        metrics: [{ name: "podinfo_rps", targetValue: 0.5 }],
        tolerancePercent: 10,
        minReplicas: 1,
        maxReplicas: 6,
        behavior: {
          scaleDown: {
            periodMs: 15_000,
            stabilizationWindowMs: 30_000,
            instances: 1,
            percent: 100,
            selectPolicy: "Or",
          },
          scaleUp: {
            stablePolicy: {
              periodMs: 15_000,
              stabilizationWindowMs: 0,
              instances: 2,
              percent: 100,
              selectPolicy: "Or",
            },
            panicPolicy: {
              periodMs: 5_000,
              percent: 200,
              panicThresholdPercent: 200,
              panicModeHoldMs: 30_000,
            },
          },
        },
      },
    });
    if (c.kind !== "homogeneous") throw new Error("unreachable");
    // 3 rps at 0.5 per replica ⇒ 6 replicas wanted; panic (6 ≥ 2 × 1) caps at 1 × 3 = 3.
    const d = new Recommender(c.params).decide({
      now: 0,
      currentReplicas: 1,
      observations: { podinfo_rps: { kind: "external", value: 3 } },
    });
    expect(d).toMatchObject({ desired: 3, mode: "Panic" });
  });

  it("applies Kthena's defaults when behavior is omitted", () => {
    const c = fromAutoscalingPolicy(
      policy(
        `{metrics: [{name: m, targetValue: 2}], homogeneousTarget: {minReplicas: 0, maxReplicas: 3, target: {targetRef: {name: x}}}}`,
      ),
    );
    if (c.kind !== "homogeneous") throw new Error("unreachable");
    expect(c.params.tolerancePercent).toBe(10);
    expect(c.params.behavior.scaleUp.panicPolicy).toBeUndefined();
    expect(c.params.behavior.scaleDown).toEqual({
      instances: 1,
      percent: 100,
      periodMs: 15_000,
      selectPolicy: "Or",
      stabilizationWindowMs: 0,
    });
  });

  it("converts heterogeneous and disaggregated targets", () => {
    const h = fromAutoscalingPolicy(
      policy(`
metrics: [{name: rps, targetValue: "10"}]
heterogeneousTarget:
  costExpansionRatePercent: 200
  params:
  - {cost: 100, minReplicas: 0, maxReplicas: 4, target: {targetRef: {kind: ModelServing, name: llama-h100}}}
  - {cost: 60,  minReplicas: 1, maxReplicas: 8, target: {targetRef: {kind: ModelServing, name: llama-a100}}}
`),
    );
    expect(h).toMatchObject({
      kind: "heterogeneous",
      costExpansionRatePercent: 200,
      params: { minReplicas: 1, maxReplicas: 12 },
    });
    const d = fromAutoscalingPolicy(
      policy(`
metrics: [{name: rps, targetValue: "1"}]
disaggregatedTarget:
  targetRef: {kind: ModelServing, name: podinfo-pd-ms}
  roles:
    prefill: {minReplicas: 1, maxReplicas: 8,  metrics: [{name: prefill_rps, targetValue: "0.5"}]}
    decode:  {minReplicas: 1, maxReplicas: 16}
  ratioConstraint: {numeratorRole: prefill, denominatorRole: decode, minRatio: "0.25", maxRatio: "1"}
`),
    );
    if (d.kind !== "disaggregated") throw new Error("unreachable");
    expect(d.params.ratio).toEqual({ minRatio: 0.25, maxRatio: 1 });
    expect(d.params.roles["prefill"]?.metrics).toEqual([{ name: "prefill_rps", targetValue: 0.5 }]);
    expect(d.params.roles["decode"]?.metrics).toEqual([{ name: "rps", targetValue: 1 }]);
    // 1 prefill for 8 decode violates minRatio 0.25 ⇒ prefill raised to 2.
    const out = new DisaggregatedRecommender(d.params).decide(0, {
      prefill: {
        currentReplicas: 1,
        observations: { prefill_rps: { kind: "external", value: 0.5 } },
      },
      decode: { currentReplicas: 8, observations: { rps: { kind: "external", value: 8 } } },
    });
    expect([out.roles["prefill"]?.desired, out.roles["decode"]?.desired]).toEqual([2, 8]);
    expect(out.ratio?.adjusted).toBe(true);
  });
});
