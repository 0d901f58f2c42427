import { describe, expect, it } from "vitest";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import { fakeAutoscaler } from "../testing/autoscaler.ts";
import type { NodeObject } from "./feasibility.ts";

function modelServing(replicas: number, roles = [{ name: "worker", replicas: 1 }]): KubeObject {
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name: "ms", namespace: "ns", uid: "ms-uid", generation: 1 },
    spec: {
      replicas,
      template: {
        roles: roles.map((r) => ({
          ...r,
          entryTemplate: {
            spec: {
              containers: [
                { name: "e", image: "x", resources: { limits: { "nvidia.com/gpu": "4" } } },
              ],
            },
          },
        })),
      },
    },
  } as KubeObject;
}

function node(name: string, gpus: number): NodeObject {
  return { metadata: { name }, status: { allocatable: { "nvidia.com/gpu": String(gpus) } } };
}

function boundPod(name: string, nodeName: string, group: string, ms = "ms"): PodObject {
  return {
    metadata: {
      name,
      namespace: "ns",
      labels: { "modelserving.volcano.sh/name": ms, "modelserving.volcano.sh/group-name": group },
    },
    spec: {
      nodeName,
      containers: [{ name: "e", resources: { limits: { "nvidia.com/gpu": "4" } } }],
    },
    status: { phase: "Running" },
  };
}

const PROM = { load: { prometheus: { serverURL: "http://prom", query: "q" } } };

/** A homogeneous policy on ModelServing `ms` (1..8 replicas, metric `load` target 10 from Prometheus). */
function setup(o: {
  value: number;
  replicas: number;
  behavior?: unknown;
  nodes: NodeObject[];
  pods: PodObject[];
}) {
  return fakeAutoscaler(
    {
      metrics: [{ name: "load", targetValue: "10" }],
      ...(o.behavior ? { behavior: o.behavior } : {}),
      homogeneousTarget: {
        target: { targetRef: { name: "ms" }, metricSources: PROM },
        minReplicas: 1,
        maxReplicas: 8,
      },
    },
    { ms: modelServing(o.replicas) },
    o,
  );
}

const FAST_UP = { scaleUp: { stablePolicy: { instances: 8, percent: 1000, period: "15s" } } };

describe("AutoscalingReconciler (homogeneous)", () => {
  it("scales up through the scale subresource with its own field manager and explains the step", async () => {
    const t = setup({
      value: 30,
      replicas: 1,
      behavior: FAST_UP,
      nodes: [node("n0", 8), node("n1", 8)],
      pods: [boundPod("ms-0", "n0", "ms-0")],
    });
    const res = await t.r.reconcile("ns/p");
    expect(res.requeueAfterMs).toBe(15_000);
    const scale = t.calls.find((c) => c.path.endsWith("/modelservings/ms/scale"));
    expect(scale?.body).toEqual({ spec: { replicas: 3 } });
    expect(scale?.query?.["fieldManager"]).toBe("tessera-autoscaler");
    const up = t.events.filter((e) => e.reason === "ScaledUp");
    expect(up.map((e) => e.kind).sort()).toEqual(["AutoscalingPolicy", "ModelServing"]);
    expect(up[0]?.message).toMatch(
      /1 → 3 \(metric load=30 target 10, recommended 3, mode Stable, limit none\)/,
    );
    expect(t.calls.at(-1)?.path).toMatch(/\/autoscalingpolicies\/p\/status$/);
    expect(t.status()["homogeneousStatus"]).toMatchObject({
      name: "ms",
      currentReplicas: 1,
      desiredReplicas: 3,
      mode: "Stable",
    });
    expect(t.condition("Schedulable")?.status).toBe("True");
  });

  it("cuts a scale-up to the ServingGroups that fit, reporting Unschedulable", async () => {
    // 2 nodes × 4 GPUs, one group of one 4-GPU pod running: only 1 more group fits.
    const t = setup({
      value: 60,
      replicas: 1,
      behavior: FAST_UP,
      nodes: [node("n0", 4), node("n1", 4)],
      pods: [boundPod("ms-0", "n0", "ms-0")],
    });
    await t.r.reconcile("ns/p");
    const scale = t.calls.find((c) => c.path.endsWith("/scale"));
    expect(scale?.body).toEqual({ spec: { replicas: 2 } });
    const warn = t.events.find((e) => e.reason === "Unschedulable");
    expect(warn?.type).toBe("Warning");
    expect(warn?.message).toMatch(/limit unschedulable/);
    expect(warn?.message).toMatch(/only 1 of 5 new ServingGroup/);
    expect(t.condition("Schedulable")).toMatchObject({
      status: "False",
      reason: "Unschedulable",
    });
    expect(t.condition("ScalingLimited")).toMatchObject({
      status: "True",
      reason: "unschedulable",
    });
  });

  it("does not scale up at all when nothing fits, and scales down when load falls", async () => {
    const t = setup({
      value: 60,
      replicas: 2,
      behavior: FAST_UP,
      nodes: [node("n0", 4), node("n1", 4)],
      pods: [boundPod("ms-0", "n0", "ms-0"), boundPod("ms-1", "n1", "ms-1")],
    });
    await t.r.reconcile("ns/p");
    expect(t.calls.some((c) => c.path.endsWith("/scale"))).toBe(false);
    expect(t.events.some((e) => e.reason === "Unschedulable")).toBe(true);
    t.setValue(5);
    await t.r.reconcile("ns/p");
    const scale = t.calls.find((c) => c.path.endsWith("/scale"));
    expect(scale?.body).toEqual({ spec: { replicas: 1 } });
    expect(t.events.find((e) => e.reason === "ScaledDown")?.message).toMatch(
      /2 → 1 \(metric load=5 target 10/,
    );
  });

  it("reports a missing metric source instead of scaling", async () => {
    const t = setup({ value: 60, replicas: 2, nodes: [], pods: [] });
    (t.r as unknown as { o: { fetch: typeof fetch } }).o.fetch = () =>
      Promise.resolve(new Response("", { status: 500 }));
    await t.r.reconcile("ns/p");
    expect(t.calls.some((c) => c.path.endsWith("/scale"))).toBe(false);
    expect(t.condition("ScalingActive")).toMatchObject({
      status: "False",
      reason: "FailedGetMetrics",
    });
  });
});

/**
 * A P/D policy (metric `load` = 30, target 10: each role wants 3) on ModelServing `ms` with roles
 * prefill and decode at 1 replica of one 4-GPU pod. 16 GPUs, 8 in use: 2 more role replicas fit.
 */
function prefillDecode(ratioConstraint?: unknown) {
  const ms = modelServing(1, [
    { name: "prefill", replicas: 1 },
    { name: "decode", replicas: 1 },
  ]);
  return fakeAutoscaler(
    {
      metrics: [{ name: "load", targetValue: "10" }],
      behavior: FAST_UP,
      disaggregatedTarget: {
        targetRef: { name: "ms" },
        roles: {
          prefill: { minReplicas: 1, maxReplicas: 4, metricSources: PROM },
          decode: { minReplicas: 1, maxReplicas: 4, metricSources: PROM },
        },
        ...(ratioConstraint ? { ratioConstraint } : {}),
      },
    },
    { ms },
    {
      value: 30,
      nodes: [node("n0", 8), node("n1", 8)],
      pods: [boundPod("a", "n0", "ms-0"), boundPod("b", "n0", "ms-0")],
    },
  );
}

describe("AutoscalingReconciler (disaggregated and heterogeneous)", () => {
  it("patches role replicas with a guarded JSON patch, sharing free GPUs between the roles", async () => {
    const t = prefillDecode();
    await t.r.reconcile("ns/p");
    const patches = t.calls.filter((c) => c.contentType === "application/json-patch+json");
    expect(patches.map((c) => c.body)).toEqual([
      [
        { op: "test", path: "/spec/template/roles/0/name", value: "prefill" },
        { op: "add", path: "/spec/template/roles/0/replicas", value: 3 },
      ],
    ]);
    // decode wanted 3 as well but the GPUs went to prefill.
    const unsched = t.events.filter(
      (e) => e.reason === "Unschedulable" && e.kind === "AutoscalingPolicy",
    );
    expect(unsched).toHaveLength(1);
    expect(unsched[0]?.message).toMatch(/^decode: 1 → 1/);
    const dis = t.status()["disaggregatedStatus"] as {
      roles: { name: string; desiredReplicas: number }[];
    };
    expect(dis.roles.map((r) => [r.name, r.desiredReplicas])).toEqual([
      ["prefill", 3],
      ["decode", 1],
    ]);
  });

  it("splits the total over heterogeneous targets with the optimiser, cheapest first", async () => {
    const a = {
      ...modelServing(1),
      metadata: { name: "cheap", namespace: "ns", uid: "a" },
    } as KubeObject;
    const b = {
      ...modelServing(1),
      metadata: { name: "dear", namespace: "ns", uid: "b" },
    } as KubeObject;
    const t = fakeAutoscaler(
      {
        metrics: [{ name: "load", targetValue: "10" }],
        behavior: FAST_UP,
        heterogeneousTarget: {
          params: [
            {
              target: { targetRef: { name: "cheap" }, metricSources: PROM },
              cost: 1,
              minReplicas: 1,
              maxReplicas: 3,
            },
            {
              target: { targetRef: { name: "dear" }, metricSources: PROM },
              cost: 5,
              minReplicas: 1,
              maxReplicas: 5,
            },
          ],
        },
      },
      { cheap: a, dear: b },
      { value: 50, nodes: [node("n0", 64)], pods: [] },
    );
    await t.r.reconcile("ns/p");
    const scales = t.calls.filter((c) => c.path.endsWith("/scale"));
    // Total 5: cheap up to its max 3, the remaining 2 on dear (which already has 1, so +1).
    expect(scales.map((c) => [c.path.split("/").at(-2), c.body])).toEqual([
      ["cheap", { spec: { replicas: 3 } }],
      ["dear", { spec: { replicas: 2 } }],
    ]);
    expect(t.events.some((e) => e.reason === "ScaledUp" && /cheap=3/.test(e.message))).toBe(true);
  });
});

function labelledPod(name: string, ip: string, labels: Record<string, string>): PodObject {
  return {
    metadata: {
      name,
      namespace: "ns",
      uid: name,
      labels: { "modelserving.volcano.sh/name": "ms", ...labels },
    },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ name: "e", ready: true, restartCount: 0 }],
    },
  };
}

function podSourcePolicy(labelSelector: unknown) {
  return {
    metrics: [{ name: "load", targetValue: "10" }],
    homogeneousTarget: {
      target: {
        targetRef: { name: "ms" },
        metricSources: { load: { pod: { port: 8000, uri: "/metrics", labelSelector } } },
      },
      minReplicas: 1,
      maxReplicas: 8,
    },
  };
}

describe("AutoscalingReconciler (pod label selectors)", () => {
  it("scrapes only the pods matchLabels and every matchExpression select (Kubernetes semantics)", async () => {
    const pods = [
      labelledPod("a", "10.0.0.1", { app: "m", tier: "a", engine: "vllm" }),
      labelledPod("wrong-tier", "10.0.0.2", { app: "m", tier: "c", engine: "vllm" }),
      labelledPod("canary", "10.0.0.3", { app: "m", tier: "b", engine: "vllm", canary: "1" }),
      labelledPod("excluded-zone", "10.0.0.4", { app: "m", tier: "a", engine: "x", zone: "z9" }),
      labelledPod("b", "10.0.0.5", { app: "m", tier: "b", engine: "sglang" }),
      labelledPod("no-engine", "10.0.0.6", { app: "m", tier: "a" }),
      labelledPod("other-app", "10.0.0.7", { app: "n", tier: "a", engine: "vllm" }),
    ];
    const t = fakeAutoscaler(
      podSourcePolicy({
        matchLabels: { app: "m" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["a", "b"] },
          { key: "canary", operator: "DoesNotExist" },
          { key: "zone", operator: "NotIn", values: ["z9"] },
          { key: "engine", operator: "Exists" },
        ],
      }),
      { ms: modelServing(1) },
      { value: 5, nodes: [], pods },
    );
    await t.r.reconcile("ns/p");
    expect(t.scraped.sort()).toEqual([
      "http://10.0.0.1:8000/metrics",
      "http://10.0.0.5:8000/metrics",
    ]);
    expect(t.condition("Ready")?.status).toBe("True");
  });

  it("an In expression without values is InvalidPolicy naming the field, and nothing is scraped", async () => {
    const t = fakeAutoscaler(
      podSourcePolicy({ matchExpressions: [{ key: "tier", operator: "In" }] }),
      { ms: modelServing(1) },
      { value: 50, nodes: [], pods: [labelledPod("a", "10.0.0.1", { tier: "a" })] },
    );
    await t.r.reconcile("ns/p");
    expect(t.scraped).toEqual([]);
    expect(t.calls.some((c) => c.path.endsWith("/scale"))).toBe(false);
    expect(t.condition("Ready")).toMatchObject({
      status: "False",
      reason: "InvalidPolicy",
      message:
        "homogeneousTarget.target.metricSources.load.pod.labelSelector.matchExpressions.0.values: operator In needs at least one value",
    });
    expect(t.events.map((e) => e.reason)).toEqual(["InvalidPolicy"]);
  });

  it("an unknown operator is InvalidPolicy naming the field", async () => {
    const t = fakeAutoscaler(
      podSourcePolicy({ matchExpressions: [{ key: "tier", operator: "Matches", values: ["a"] }] }),
      { ms: modelServing(1) },
      { value: 50, nodes: [], pods: [] },
    );
    await t.r.reconcile("ns/p");
    expect(t.condition("Ready")?.reason).toBe("InvalidPolicy");
    expect(t.condition("Ready")?.message).toMatch(
      /^homogeneousTarget\.target\.metricSources\.load\.pod\.labelSelector\.matchExpressions\.0\.operator: /,
    );
  });
});

describe("AutoscalingReconciler (P/D ratio and placement)", () => {
  it("reports a ratio that a placement cut left unmet", async () => {
    // Ratio 1:1 wants 3/3; the free GPUs hold only 2 more role replicas, so 3/1 is written.
    const t = prefillDecode({
      numeratorRole: "prefill",
      denominatorRole: "decode",
      minRatio: "1",
      maxRatio: "1",
    });
    await t.r.reconcile("ns/p");
    expect(t.status()["disaggregatedStatus"]).toMatchObject({ ratioStatus: "3/1" });
    expect(t.condition("Ready")).toMatchObject({
      status: "False",
      reason: "RatioUnmetAfterPlacement",
      message:
        "prefill/decode is 3/1, outside [1, 1]: the repaired pair 3/3 was cut to what the cluster can place now",
    });
    expect(t.condition("Schedulable")?.status).toBe("False");
  });
});

describe("AutoscalingReconciler (heterogeneous feasibility)", () => {
  it("places the split of targets competing for the same free GPUs jointly", async () => {
    const target = (name: string) =>
      ({ ...modelServing(1), metadata: { name, namespace: "ns", uid: name } }) as KubeObject;
    const param = (name: string, cost: number) => ({
      target: { targetRef: { name }, metricSources: PROM },
      cost,
      minReplicas: 1,
      maxReplicas: 5,
    });
    // Total 5 wanted. 16 GPUs, 8 used by one running 4-GPU group of each target: 2 more groups fit
    // in all. Each target alone could add 2, so checked one by one the split 3 + 2 over-asks.
    const t = fakeAutoscaler(
      {
        metrics: [{ name: "load", targetValue: "10" }],
        behavior: FAST_UP,
        heterogeneousTarget: { params: [param("cheap", 1), param("dear", 5)] },
      },
      { cheap: target("cheap"), dear: target("dear") },
      {
        value: 50,
        nodes: [node("n0", 8), node("n1", 8)],
        pods: [boundPod("c0", "n0", "cheap-0", "cheap"), boundPod("d0", "n0", "dear-0", "dear")],
      },
    );
    await t.r.reconcile("ns/p");
    const scales = t.calls.filter((c) => c.path.endsWith("/scale"));
    expect(scales.map((c) => [c.path.split("/").at(-2), c.body])).toEqual([
      ["cheap", { spec: { replicas: 3 } }],
    ]);
    expect(t.condition("Schedulable")).toMatchObject({ status: "False", reason: "Unschedulable" });
    expect(t.condition("Schedulable")?.message).toMatch(/shared with the policy's other targets/);
  });
});
