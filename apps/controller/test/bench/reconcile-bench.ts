// Benchmark: N ModelServings × G ServingGroups reconciled on one local cluster (Volcano gang
// scheduling, kwok nodes). Reports time until every ModelServing is Available, reconciles per
// second and reconcile latency percentiles.
//
//   npm run bench -w @tessera/controller -- [--kubeconfig FILE] [--count 100] [--groups 4] [--workers 4]
//
// Without --kubeconfig a cluster (2 spines × 2 leaves × 4 nodes) is started and torn down.
import { parseArgs } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { down, up } from "@tessera/local-cluster";
import { TestCluster } from "../../src/testing/cluster.ts";
import { startController } from "../../src/testing/harness.ts";
import type { KubeObject } from "../../src/k8s/types.ts";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    count: { type: "string", default: "100" },
    groups: { type: "string", default: "4" },
    workers: { type: "string", default: "4" },
    "timeout-seconds": { type: "string", default: "900" },
  },
});
const count = Number(values.count);
const groups = Number(values.groups);
const workers = Number(values.workers);

let clusterName: string | undefined;
let kubeconfig = values.kubeconfig;
if (!kubeconfig) {
  clusterName = `bench-${process.pid}`;
  const r = await up({
    name: clusterName,
    topology: `${import.meta.dirname}/../../../../infra/local-cluster/topologies/2x2x4.yaml`,
    ownerPid: process.pid,
    log: (l) => process.stderr.write(`[cluster] ${l}\n`),
  });
  kubeconfig = r.kubeconfig;
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const cluster = new TestCluster(kc);
const ns = `bench-${Date.now().toString(36)}`;
await cluster.namespace(ns);
const controller = await startController(kc, { workers });

type MS = KubeObject & {
  status?: { availableReplicas?: number; conditions?: { type: string; status: string }[] };
};
// Each ServingGroup: one role replica = entry + 1 worker (2 pods, 1 headless Service, 1 PodGroup).
const manifest = (i: number) => ({
  apiVersion: "workload.serving.volcano.sh/v1alpha1",
  kind: "ModelServing",
  metadata: { name: `m${i}`, namespace: ns },
  spec: {
    replicas: groups,
    template: {
      // The gang is what asks for the PodGroup (Kthena's rule); the bench measures with one.
      gangPolicy: { minRoleReplicas: { server: 1 } },
      roles: [
        {
          name: "server",
          replicas: 1,
          workerReplicas: 1,
          entryTemplate: {
            spec: {
              containers: [
                {
                  name: "e",
                  image: "vllm/vllm-openai",
                  resources: { requests: { cpu: "100m", memory: "128Mi" } },
                },
              ],
            },
          },
          workerTemplate: {
            spec: {
              containers: [
                {
                  name: "w",
                  image: "vllm/vllm-openai",
                  resources: { requests: { cpu: "100m", memory: "128Mi" } },
                },
              ],
            },
          },
        },
      ],
    },
  },
});

const reconcilesBefore = async () => {
  const m = await controller.metrics.reconciles.get();
  return m.values
    .filter((v) => v.labels["controller"] === "modelserving")
    .reduce((n, v) => n + v.value, 0);
};
const r0 = await reconcilesBefore();
const t0 = performance.now();
for (let i = 0; i < count; i += 10) {
  await Promise.all(
    Array.from({ length: Math.min(10, count - i) }, (_, j) => cluster.apply(manifest(i + j))),
  );
}
const createdAt = performance.now();
const deadline = t0 + Number(values["timeout-seconds"]) * 1000;
let availableCount: number;
let podsCreatedAt: number | undefined;
for (;;) {
  if (podsCreatedAt === undefined && (await cluster.list("Pod", ns)).length === count * groups * 2)
    podsCreatedAt = performance.now();
  const list = await cluster.list<MS>("ModelServing", ns);
  availableCount = list.filter(
    (m) =>
      m.status?.availableReplicas === groups &&
      m.status.conditions?.some((c) => c.type === "Available" && c.status === "True"),
  ).length;
  if (availableCount === count || performance.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 500));
}
const seconds = (performance.now() - t0) / 1000;
const reconciles = (await reconcilesBefore()) - r0;
const hist = await controller.metrics.reconcileDuration.get();
const buckets = hist.values.filter(
  (v) => v.metricName?.endsWith("_bucket") && v.labels["controller"] === "modelserving",
);
const total =
  hist.values.find(
    (v) => v.metricName?.endsWith("_count") && v.labels["controller"] === "modelserving",
  )?.value ?? 0;
const pct = (q: number) =>
  (
    buckets.find((b) => b.value >= q * total)?.labels as Record<string, string | number> | undefined
  )?.["le"];
const pods = (await cluster.list("Pod", ns)).length;

// Steady state: every key reconciled again with nothing to change (the cost of level-triggering).
const rounds = 5;
const s0 = await reconcilesBefore();
const ts = performance.now();
for (let i = 0; i < rounds; i++) {
  for (let j = 0; j < count; j++) controller.manager.queue.add(`${ns}/m${j}`);
  while (controller.manager.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  await controller.manager.queue.drain(2);
}
const steadySeconds = (performance.now() - ts) / 1000;
const steadyReconciles = (await reconcilesBefore()) - s0;
const result = {
  modelServings: count,
  servingGroupsEach: groups,
  pods,
  allAvailable: availableCount === count,
  available: availableCount,
  applySeconds: Number(((createdAt - t0) / 1000).toFixed(2)),
  secondsToAllAvailable: Number(seconds.toFixed(2)),
  reconciles,
  reconcilesPerSecond: Number((reconciles / seconds).toFixed(1)),
  secondsToAllPodsCreated:
    podsCreatedAt === undefined ? null : Number(((podsCreatedAt - t0) / 1000).toFixed(2)),
  reconcileP50LeSeconds: pct(0.5),
  reconcileP99LeSeconds: pct(0.99),
  workers,
  steadyStateReconciles: steadyReconciles,
  steadyStateReconcilesPerSecond: Number((steadyReconciles / steadySeconds).toFixed(1)),
};
console.log(JSON.stringify(result, null, 2));

await controller.stop();
if (clusterName) await down(clusterName);
else await cluster.client.delete("Namespace", undefined, ns);
process.exit(result.allAvailable ? 0 : 1);
