import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { KubeClient } from "../k8s/client.ts";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { clusterInventory } from "./feasibility.ts";
import type { NodeObject } from "./feasibility.ts";
import { AutoscalingReconciler, type AutoscalingPolicyObject } from "./reconciler.ts";

interface Call {
  method: string;
  path: string;
  body: unknown;
  contentType?: string;
  query?: Record<string, unknown>;
}

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

function boundPod(name: string, nodeName: string, group: string): PodObject {
  return {
    metadata: {
      name,
      namespace: "ns",
      labels: { "modelserving.volcano.sh/name": "ms", "modelserving.volcano.sh/group-name": group },
    },
    spec: {
      nodeName,
      containers: [{ name: "e", resources: { limits: { "nvidia.com/gpu": "4" } } }],
    },
    status: { phase: "Running" },
  };
}

function setup(o: {
  value: number;
  replicas: number;
  behavior?: unknown;
  nodes: NodeObject[];
  pods: PodObject[];
}) {
  const calls: Call[] = [];
  const events: { type: string; reason: string; message: string; kind: string }[] = [];
  const policy: AutoscalingPolicyObject = {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "AutoscalingPolicy",
    metadata: { name: "p", namespace: "ns", uid: "p-uid", generation: 1 },
    spec: {
      metrics: [{ name: "load", targetValue: "10" }],
      ...(o.behavior ? { behavior: o.behavior } : {}),
      homogeneousTarget: {
        target: {
          targetRef: { name: "ms" },
          metricSources: {
            load: { prometheus: { serverURL: "http://prom:9090", query: "sum(load)" } },
          },
        },
        minReplicas: 1,
        maxReplicas: 8,
      },
    },
  };
  let ms = modelServing(o.replicas);
  const client = {
    request: (
      method: string,
      path: string,
      opts: Omit<Call, "method" | "path"> = { body: undefined },
    ) => {
      calls.push({ method, path, ...opts });
      return Promise.resolve({});
    },
  } as unknown as KubeClient;
  const recorder = {
    record: (obj: { kind: string }, type: string, reason: string, message: string) => {
      events.push({ type, reason, message, kind: obj.kind });
      return Promise.resolve();
    },
  } as unknown as EventRecorder;
  let value = o.value;
  const r = new AutoscalingReconciler({
    client,
    events: recorder,
    log: pino({ level: "silent" }),
    fetch: () =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            status: "success",
            data: { resultType: "vector", result: [{ value: [0, String(value)] }] },
          }),
        ),
      ),
    caches: {
      policy: () => policy,
      modelServing: () => ms,
      pods: () => o.pods,
      cluster: () => clusterInventory(o.nodes, o.pods, []),
    },
  });
  return {
    r,
    calls,
    events,
    setValue: (v: number) => (value = v),
    setReplicas: (n: number) => (ms = modelServing(n)),
  };
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
    const status = t.calls.find((c) => c.path.endsWith("/autoscalingpolicies/p/status"));
    const st = (
      status?.body as {
        status: { homogeneousStatus: unknown; conditions: { type: string; status: string }[] };
      }
    ).status;
    expect(st.homogeneousStatus).toMatchObject({
      name: "ms",
      currentReplicas: 1,
      desiredReplicas: 3,
      mode: "Stable",
    });
    expect(st.conditions.find((c) => c.type === "Schedulable")?.status).toBe("True");
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
    const status = t.calls.find((c) => c.path.endsWith("/status"));
    const conds = (
      status?.body as { status: { conditions: { type: string; status: string; reason: string }[] } }
    ).status.conditions;
    expect(conds.find((c) => c.type === "Schedulable")).toMatchObject({
      status: "False",
      reason: "Unschedulable",
    });
    expect(conds.find((c) => c.type === "ScalingLimited")).toMatchObject({
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
    const status = t.calls.find((c) => c.path.endsWith("/status"));
    const conds = (
      status?.body as {
        status: { conditions: { type: string; status: string; reason: string; message: string }[] };
      }
    ).status.conditions;
    expect(conds.find((c) => c.type === "ScalingActive")).toMatchObject({
      status: "False",
      reason: "FailedGetMetrics",
    });
  });
});

function generic(
  policySpec: unknown,
  objects: Record<string, KubeObject>,
  o: { value: number; nodes: NodeObject[]; pods: PodObject[] },
) {
  const calls: Call[] = [];
  const events: { type: string; reason: string; message: string; kind: string }[] = [];
  const policy: AutoscalingPolicyObject = {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "AutoscalingPolicy",
    metadata: { name: "p", namespace: "ns", uid: "p-uid", generation: 1 },
    spec: policySpec,
  };
  const r = new AutoscalingReconciler({
    client: {
      request: (method: string, path: string, opts: Omit<Call, "method" | "path">) => {
        calls.push({ method, path, ...opts });
        return Promise.resolve({});
      },
    } as unknown as KubeClient,
    events: {
      record: (obj: { kind: string }, type: string, reason: string, message: string) => {
        events.push({ type, reason, message, kind: obj.kind });
        return Promise.resolve();
      },
    } as unknown as EventRecorder,
    log: pino({ level: "silent" }),
    fetch: () =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            status: "success",
            data: { resultType: "scalar", result: [0, String(o.value)] },
          }),
        ),
      ),
    caches: {
      policy: () => policy,
      modelServing: (_ns, name) => objects[name],
      pods: () => o.pods,
      cluster: () => clusterInventory(o.nodes, o.pods, []),
    },
  });
  return { r, calls, events };
}

const PROM = { load: { prometheus: { serverURL: "http://prom", query: "q" } } };

describe("AutoscalingReconciler (disaggregated and heterogeneous)", () => {
  it("patches role replicas with a guarded JSON patch, sharing free GPUs between the roles", async () => {
    const ms = modelServing(1, [
      { name: "prefill", replicas: 1 },
      { name: "decode", replicas: 1 },
    ]);
    // 16 GPUs, 8 in use by the two running 4-GPU pods: 2 more 4-GPU role replicas fit in total.
    const t = generic(
      {
        metrics: [{ name: "load", targetValue: "10" }],
        behavior: FAST_UP,
        disaggregatedTarget: {
          targetRef: { name: "ms" },
          roles: {
            prefill: { minReplicas: 1, maxReplicas: 4, metricSources: PROM },
            decode: { minReplicas: 1, maxReplicas: 4, metricSources: PROM },
          },
        },
      },
      { ms },
      {
        value: 30,
        nodes: [node("n0", 8), node("n1", 8)],
        pods: [boundPod("a", "n0", "ms-0"), boundPod("b", "n0", "ms-0")],
      },
    );
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
    const status = t.calls.find((c) => c.path.endsWith("/status"));
    const body = status?.body as {
      status: { disaggregatedStatus: { roles: { name: string; desiredReplicas: number }[] } };
    };
    expect(body.status.disaggregatedStatus.roles.map((r) => [r.name, r.desiredReplicas])).toEqual([
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
    const t = generic(
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
