// Done-when tests of the autoscaler against the real local cluster (kube-apiserver + Volcano + kwok
// GPU nodes, 2×2×4 × 8 GPUs): simulated vLLM engines run for every Running pod labelled
// `tessera.io/engine=tessera-sim` (the cluster's pod-engine supervisor), so the autoscaler scrapes
// real engine /metrics on the pods' loopback IPs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
import type {} from "@tessera/local-cluster/testing/global-setup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import { TestCluster, running, waitFor } from "../testing/cluster.ts";
import { startController } from "../testing/harness.ts";
import type { RunningController } from "../testing/harness.ts";

const NS = "autoscaling-it";
const LOG = process.env["TESSERA_TEST_LOG"] ?? "silent";
let cluster: TestCluster;
let controller: RunningController;

type MS = KubeObject & { spec: { replicas?: number } };
type Policy = KubeObject & {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};
interface EventObj {
  reason?: string;
  message?: string;
  type?: string;
  involvedObject?: { kind?: string; name?: string };
}

function modelServing(name: string, replicas: number, gpus: number, engine: boolean) {
  const container = {
    name: "engine",
    image: "vllm/vllm-openai:v1",
    args: ["--model", "sim-model"],
    ports: [{ name: "http", containerPort: 8000 }],
    resources: { limits: { "nvidia.com/gpu": gpus, cpu: "1", memory: "1Gi" } },
  };
  return {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name, namespace: NS },
    spec: {
      schedulerName: "volcano",
      replicas,
      template: {
        roles: [
          {
            name: "worker",
            replicas: 1,
            workerReplicas: 0,
            entryTemplate: {
              ...(engine ? { metadata: { labels: { "tessera.io/engine": "tessera-sim" } } } : {}),
              spec: { containers: [container] },
            },
          },
        ],
      },
    },
  };
}

const FAST = {
  scaleUp: {
    stablePolicy: { instances: 4, percent: 100, period: "1s", stabilizationWindow: "0s" },
  },
  scaleDown: { instances: 4, percent: 100, period: "1s", stabilizationWindow: "0s" },
};

async function events(policy: string): Promise<EventObj[]> {
  const all = await cluster.list<KubeObject & EventObj>("Event", NS);
  return all.filter(
    (e) => e.involvedObject?.kind === "AutoscalingPolicy" && e.involvedObject.name === policy,
  );
}

/** Keeps `concurrency` long streaming completions in flight across the given pods until stopped. */
function loadGenerator(pods: () => Promise<PodObject[]>, concurrency: number) {
  const ctrl = new AbortController();
  let stopped = false;
  const one = async (i: number): Promise<void> => {
    while (!stopped) {
      const ready = (await pods().catch(() => [])).filter((p) => running(p) && p.status?.podIP);
      const pod = ready[i % Math.max(1, ready.length)];
      if (!pod) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        const res = await fetch(`http://${pod.status?.podIP}:8000/v1/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "sim-model",
            prompt: "hello autoscaler",
            max_tokens: 2000,
            stream: true,
          }),
          signal: ctrl.signal,
        });
        if (res.body) for await (const _ of res.body) if (stopped) break;
      } catch {
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const runners = Array.from({ length: concurrency }, (_, i) => one(i));
  return {
    async stop() {
      stopped = true;
      ctrl.abort();
      await Promise.allSettled(runners);
    },
  };
}

let prom: Server;
let promURL = "";

beforeAll(async () => {
  cluster = new TestCluster(await clusterKubeConfig("ctl"));
  await cluster.namespace(NS);
  controller = await startController(cluster.kc, {
    namespace: NS,
    logLevel: LOG,
    autoscaling: { intervalSeconds: 2, histogramBaselineSeconds: 5 },
  });
  // A stand-in Prometheus answering every instant query with one huge value.
  prom = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [0, "1000"] }] },
      }),
    );
  });
  await new Promise<void>((r) => prom.listen(0, "127.0.0.1", r));
  promURL = `http://127.0.0.1:${(prom.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await controller?.stop();
  await new Promise((r) => prom?.close(r));
  for (const n of ["engines", "huge"]) await cluster?.client.delete("ModelServing", NS, n);
  for (const n of ["engines-policy", "huge-policy"])
    await cluster?.client.delete("AutoscalingPolicy", NS, n);
});

describe("autoscaler on a local cluster", () => {
  it("scales a ModelServing up under simulated-engine load and down when it stops, with events", async () => {
    await cluster.apply(modelServing("engines", 1, 1, true));
    await cluster.apply({
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "AutoscalingPolicy",
      metadata: { name: "engines-policy", namespace: NS },
      spec: {
        tolerancePercent: 10,
        metrics: [{ name: "num_requests_running", targetValue: "2" }],
        behavior: FAST,
        homogeneousTarget: {
          target: {
            targetRef: { name: "engines" },
            metricSources: { num_requests_running: { pod: { port: 8000, uri: "/metrics" } } },
          },
          minReplicas: 1,
          maxReplicas: 3,
        },
      },
    });
    // The engine answers on the pod's IP once the pod runs.
    await waitFor(
      "engine of engines-0 serving /metrics",
      async () => {
        const [p] = (await cluster.pods(NS, "engines")).filter(running);
        if (!p?.status?.podIP) return undefined;
        const r = await fetch(`http://${p.status.podIP}:8000/metrics`);
        return r.ok;
      },
      60_000,
      500,
    );
    const load = loadGenerator(() => cluster.pods(NS, "engines"), 8);
    try {
      await waitFor(
        "scale-up to 3",
        async () => (await cluster.get<MS>("ModelServing", NS, "engines"))?.spec.replicas === 3,
        60_000,
        500,
      );
      const up = (await events("engines-policy")).filter((e) => e.reason === "ScaledUp");
      expect(up.length).toBeGreaterThan(0);
      expect(up[0]?.message).toMatch(/metric num_requests_running=\d+ target 2/);
      expect(up[0]?.message).toMatch(/mode (Stable|Panic), limit /);
    } finally {
      await load.stop();
    }
    await waitFor(
      "scale-down to 1 after the load stops",
      async () => (await cluster.get<MS>("ModelServing", NS, "engines"))?.spec.replicas === 1,
      60_000,
      500,
    );
    const down = (await events("engines-policy")).filter((e) => e.reason === "ScaledDown");
    expect(
      down.some((e) => /→ 1 \(metric num_requests_running=0 target 2/.test(e.message ?? "")),
    ).toBe(true);
    const policy = await cluster.get<Policy>("AutoscalingPolicy", NS, "engines-policy");
    expect(policy?.status?.conditions?.find((c) => c.type === "ScalingActive")?.status).toBe(
      "True",
    );
  }, 180_000);

  it("reports Unschedulable instead of creating ServingGroups that cannot be placed", async () => {
    // One 8-GPU pod per ServingGroup; the demand asks for 40 groups on a 128-GPU cluster.
    await cluster.apply(modelServing("huge", 1, 8, false));
    await cluster.apply({
      apiVersion: "workload.serving.volcano.sh/v1alpha1",
      kind: "AutoscalingPolicy",
      metadata: { name: "huge-policy", namespace: NS },
      spec: {
        metrics: [{ name: "qps", targetValue: "25" }],
        behavior: {
          scaleUp: {
            stablePolicy: {
              instances: 100,
              percent: 1000,
              period: "1s",
              stabilizationWindow: "0s",
            },
          },
        },
        homogeneousTarget: {
          target: {
            targetRef: { name: "huge" },
            metricSources: { qps: { prometheus: { serverURL: promURL, query: "sum(qps)" } } },
          },
          minReplicas: 1,
          maxReplicas: 40,
        },
      },
    });
    const policy = await waitFor(
      "Schedulable=False/Unschedulable",
      async () => {
        const p = await cluster.get<Policy>("AutoscalingPolicy", NS, "huge-policy");
        const c = p?.status?.conditions?.find((x) => x.type === "Schedulable");
        return c?.status === "False" && c.reason === "Unschedulable" ? p : undefined;
      },
      60_000,
      500,
    );
    expect(policy.status?.conditions?.find((c) => c.type === "Schedulable")?.message).toBeTruthy();
    const warn = (await events("huge-policy")).find((e) => e.reason === "Unschedulable");
    expect(warn?.type).toBe("Warning");
    expect(warn?.message).toMatch(/limit unschedulable/);
    const replicas = (await cluster.get<MS>("ModelServing", NS, "huge"))?.spec.replicas ?? 0;
    expect(replicas).toBeGreaterThan(1);
    expect(replicas).toBeLessThan(40);
    // Every ServingGroup the autoscaler asked for gets placed: no pending gangs.
    const pods = await waitFor(
      `${replicas} running pods of huge`,
      async () => {
        const ps = await cluster.pods(NS, "huge");
        return ps.length === replicas && ps.every(running) ? ps : undefined;
      },
      90_000,
      500,
    );
    expect(pods).toHaveLength(replicas);
    // And it stays there: later cycles find no room and do not add groups.
    await new Promise((r) => setTimeout(r, 6000));
    expect((await cluster.get<MS>("ModelServing", NS, "huge"))?.spec.replicas).toBe(replicas);
    const pending = (await cluster.pods(NS, "huge")).filter((p) => p.status?.phase === "Pending");
    expect(pending).toHaveLength(0);
  }, 180_000);
});
