// `tessera-cluster up`: etcd → kube-apiserver → controller-manager and schedulers start while the CRDs
// are applied → nodes and HyperNodes → kwok → ready (nodes Ready, default ServiceAccount, Volcano's
// default Queue). Every process is recorded in state.json as soon as it starts.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig, V1Node } from "@kubernetes/client-node";
import { FatalError, waitFor } from "../exec.ts";
import { apiserverCaPem, apiserverReady, apiserverSpec } from "../components/apiserver.ts";
import { controllerManagerSpec } from "../components/controller-manager.ts";
import { etcdHealthy, etcdSpec } from "../components/etcd.ts";
import { kwokSpec } from "../components/kwok.ts";
import { kubeSchedulerSpec } from "../components/scheduler.ts";
import {
  volcanoControllersSpec,
  volcanoCrdFiles,
  volcanoSchedulerSpec,
} from "../components/volcano.ts";
import { ensureBinaries } from "../binaries/build.ts";
import {
  apiErrorMessage,
  applyCrd,
  applyObjects,
  createObjects,
  isApiError,
  loadKubeConfig,
  readManifests,
  waitCrdsServed,
} from "../kube.ts";
import type { KubernetesObject } from "@kubernetes/client-node";
import { writeKubeconfig } from "../kubeconfig.ts";
import { clusterCidr, freePorts, nodeIp } from "../net.ts";
import { DEFAULT_SHAPE, nodeObjects } from "../nodes.ts";
import { TESSERA_CRDS_DIR } from "../paths.ts";
import { writeCredentials } from "../pki.ts";
import type { Credentials } from "../pki.ts";
import { isAlive, logTail, spawnTracked } from "../process.ts";
import type { SpawnSpec } from "../process.ts";
import { hyperNodeObjects, planFlat, planTopology, readTopology } from "../topology.ts";
import type { Topology } from "../topology.ts";
import { stopCluster } from "./down.ts";
import {
  clusterDir,
  listStates,
  readState,
  removeClusterDir,
  validateName,
  withClustersLock,
  writeState,
} from "./state.ts";
import type { ClusterState, SchedulerMode } from "./state.ts";
import { startPodEngines } from "../pod-engines.ts";
import { claimIndex } from "./loopback-claims.ts";
import type { PodEnginesOptions } from "../pod-engines.ts";
import { startWatchdog } from "../watchdog.ts";

export interface UpOptions {
  name: string;
  /** Node count without a topology (default 4). */
  nodes?: number;
  gpusPerNode?: number;
  /** Topology file path, or an already parsed topology. */
  topology?: string | Topology;
  scheduler?: SchedulerMode;
  /** Apply infra/crds/*.yaml (default true). */
  tesseraCrds?: boolean;
  /** Extra manifest files applied after the CRDs. */
  manifests?: string[];
  podEngines?: PodEnginesOptions;
  /** Tear the cluster down when this PID exits (test runs). */
  ownerPid?: number;
  log?: (line: string) => void;
  /** Build missing binaries first instead of failing (default true). */
  buildBinaries?: boolean;
  /** Ready timeout in ms (default 90 s). */
  timeoutMs?: number;
}

export interface UpResult {
  state: ClusterState;
  kubeconfig: string;
  seconds: number;
}

const COMPONENTS_NEEDING_NODES_FIRST = new Set(["kwok"]);

export async function up(options: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const name = validateName(options.name);
  const log = options.log ?? (() => undefined);
  const scheduler = options.scheduler ?? "volcano";
  if (options.buildBinaries !== false)
    await ensureBinaries({ log, only: ["kubernetes", "etcd", "kwok", "volcano"] });
  const topology =
    typeof options.topology === "string" ? readTopology(options.topology) : options.topology;
  const plan = topology ? planTopology(topology) : planFlat(options.nodes ?? 4);
  const shape = {
    ...DEFAULT_SHAPE,
    gpus: options.gpusPerNode ?? topology?.gpusPerNode ?? DEFAULT_SHAPE.gpus,
    gpuProduct: topology?.gpuProduct ?? DEFAULT_SHAPE.gpuProduct,
  };

  const dir = clusterDir(name);
  const state = await withClustersLock(async () => {
    const existing = readState(name);
    if (existing) {
      if (existing.processes.some(isAlive)) {
        throw new Error(
          `cluster ${name} is already running (tessera-cluster down --name ${name} first)`,
        );
      }
      await stopCluster(existing);
    }
    removeClusterDir(name);
    const portList = await freePorts(10);
    const p = (i: number) => portList[i] ?? 0;
    const s: ClusterState = {
      name,
      dir,
      // Unique in this state root and, through a claim, across roots (loopback-claims.ts).
      index: claimIndex(
        dir,
        new Set(
          listStates()
            .filter((x) => x.name !== name)
            .map((x) => x.index),
        ),
      ),
      createdAt: new Date().toISOString(),
      status: "starting",
      server: `https://127.0.0.1:${p(2)}`,
      kubeconfig: join(dir, "kubeconfig"),
      ports: {
        etcd: p(0),
        etcdPeer: p(1),
        apiserver: p(2),
        controllerManager: p(3),
        kubeScheduler: p(4),
        kwok: p(5),
        vcSchedulerMetrics: p(6),
        vcSchedulerHealthz: p(7),
        vcControllersMetrics: p(8),
        vcControllersHealthz: p(9),
      },
      scheduler,
      nodes: plan.nodes.map((n) => n.name),
      hyperNodes: plan.hyperNodes.map((h) => h.name),
      processes: [],
    };
    if (options.ownerPid !== undefined) s.ownerPid = options.ownerPid;
    mkdirSync(join(dir, "logs"), { recursive: true });
    mkdirSync(join(dir, "pki"), { recursive: true });
    writeState(s);
    return s;
  });

  const start = (spec: SpawnSpec) => {
    const record = spawnTracked(spec);
    state.processes.push(record);
    writeState(state);
    return record;
  };
  const expectAlive = () => {
    for (const r of state.processes) {
      if (!isAlive(r)) throw new FatalError(`${r.name} exited; last log lines:\n${logTail(r.log)}`);
    }
  };
  const timeoutMs = options.timeoutMs ?? 90_000;

  try {
    if (options.ownerPid !== undefined) {
      state.processes.push(startWatchdog(state, options.ownerPid));
      writeState(state);
    }
    const creds = writeCredentials(dir);
    start(etcdSpec(dir, state.ports.etcd ?? 0, state.ports.etcdPeer ?? 0));
    await waitFor(
      "etcd",
      async () => (expectAlive(), etcdHealthy(state.ports.etcd ?? 0)),
      timeoutMs,
      100,
    );
    log(`${name}: etcd ready (${since(started)})`);

    start(
      apiserverSpec(
        dir,
        { etcd: state.ports.etcd ?? 0, apiserver: state.ports.apiserver ?? 0 },
        creds,
      ),
    );
    await waitFor(
      "kube-apiserver /readyz",
      async () => (expectAlive(), apiserverReady(state.ports.apiserver ?? 0, creds.admin.token)),
      timeoutMs,
      150,
    );
    log(`${name}: kube-apiserver ready at ${state.server} (${since(started)})`);

    const caPem = apiserverCaPem(dir);
    const kubeconfigFor = (component: string): string => {
      const id = creds.components[component];
      if (!id) throw new Error(`no credentials for ${component}`);
      return writeKubeconfig(join(dir, "pki", `${component}.kubeconfig`), {
        cluster: name,
        server: state.server,
        token: id.token,
        user: id.user,
        caPem,
      });
    };
    writeKubeconfig(state.kubeconfig, {
      cluster: name,
      server: state.server,
      token: creds.admin.token,
      user: "admin",
      caPem,
    });
    const kc = loadKubeConfig(state.kubeconfig);

    startControlPlane(
      state,
      dir,
      creds,
      kubeconfigFor,
      start,
      (n) => !COMPONENTS_NEEDING_NODES_FIRST.has(n),
    );
    await installCrds(kc, state, options.tesseraCrds !== false, log);
    log(`${name}: CRDs served (${since(started)})`);

    await createNodes(kc, nodeObjects(plan, state.index, shape));
    if (plan.hyperNodes.length > 0) await createObjects(kc, hyperNodeObjects(plan));
    for (const file of options.manifests ?? []) {
      for (const obj of readManifests(file)) {
        if (isCrd(obj)) {
          await applyCrd(kc, obj);
          await waitCrdsServed(kc, [obj]);
        } else await applyObjects(kc, [obj]);
      }
    }
    startControlPlane(state, dir, creds, kubeconfigFor, start, (n) =>
      COMPONENTS_NEEDING_NODES_FIRST.has(n),
    );

    await waitReady(kc, state, expectAlive, timeoutMs);
    log(
      `${name}: ${plan.nodes.length} nodes Ready, schedulers and controllers up (${since(started)})`,
    );

    if (options.podEngines) {
      state.processes.push(
        startPodEngines(state, kubeconfigFor("pod-engines"), options.podEngines),
      );
      writeState(state);
    }
    state.status = "ready";
    writeState(state);
    return { state, kubeconfig: state.kubeconfig, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    state.status = "failed";
    state.error = apiErrorMessage(e);
    writeState(state);
    await stopCluster(state, { keepState: true });
    throw new Error(
      `cluster ${name} failed to start: ${state.error}\n(logs in ${join(dir, "logs")})`,
      { cause: e },
    );
  }
}

function since(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function startControlPlane(
  state: ClusterState,
  dir: string,
  creds: Credentials,
  kubeconfigFor: (component: string) => string,
  start: (spec: SpawnSpec) => unknown,
  include: (name: string) => boolean,
): void {
  const p = (k: string) => state.ports[k] ?? 0;
  const specs: SpawnSpec[] = [
    controllerManagerSpec(dir, kubeconfigFor("controller-manager"), p("controllerManager"), creds),
    kubeSchedulerSpec(dir, kubeconfigFor("scheduler"), p("kubeScheduler")),
    kwokSpec(
      dir,
      kubeconfigFor("kwok"),
      p("kwok"),
      clusterCidr(state.index),
      nodeIp(state.index, 253),
    ),
  ];
  if (state.scheduler === "volcano") {
    const ports = {
      schedulerMetrics: p("vcSchedulerMetrics"),
      schedulerHealthz: p("vcSchedulerHealthz"),
      controllersMetrics: p("vcControllersMetrics"),
      controllersHealthz: p("vcControllersHealthz"),
    };
    const vk = kubeconfigFor("volcano");
    specs.push(
      volcanoSchedulerSpec(dir, vk, ports, ["volcano"]),
      volcanoControllersSpec(dir, vk, ports, ["volcano"]),
    );
  }
  for (const spec of specs) if (include(spec.name)) start(spec);
}

/**
 * Volcano's CRDs always (the router and controller look for them), Tessera's from infra/crds. A
 * Tessera CRD the apiserver rejects does not stop the cluster: it is reported (log and
 * state.crdErrors) and left out, so the other kinds stay usable while the CRD is being fixed.
 */
async function installCrds(
  kc: KubeConfig,
  state: ClusterState,
  tessera: boolean,
  log: (line: string) => void,
): Promise<void> {
  const t0 = Date.now();
  const volcano = volcanoCrdFiles().flatMap(readManifests).filter(isCrd);
  const own: KubernetesObject[] = [];
  const volcanoApplied = Promise.all(volcano.map((crd) => applyCrd(kc, crd)));
  if (tessera && existsSync(TESSERA_CRDS_DIR)) {
    const files = readdirSync(TESSERA_CRDS_DIR)
      .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
      .sort()
      .map((f) => join(TESSERA_CRDS_DIR, f));
    if (files.length === 0) log(`${state.name}: no Tessera CRDs in ${TESSERA_CRDS_DIR} yet`);
    await Promise.all(
      files
        .flatMap(readManifests)
        .filter(isCrd)
        .map(async (crd) => {
          try {
            await applyCrd(kc, crd);
            own.push(crd);
          } catch (e) {
            const message = `${crd.metadata?.name ?? "?"}: ${apiErrorMessage(e)}`;
            state.crdErrors = [...(state.crdErrors ?? []), message];
            log(`${state.name}: WARNING: the apiserver rejected Tessera CRD ${message}`);
          }
        }),
    );
  }
  await volcanoApplied;
  log(
    `${state.name}: ${volcano.length + own.length} CRDs applied in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
  );
  await waitCrdsServed(kc, [...volcano, ...own]);
}

function isCrd(o: KubernetesObject): boolean {
  return o.kind === "CustomResourceDefinition";
}

async function createNodes(kc: KubeConfig, nodes: V1Node[]): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await Promise.all(
    nodes.map(async (node) => {
      try {
        const created = await core.createNode({ body: node });
        if (!created.status?.capacity?.cpu && node.status) {
          await core.replaceNodeStatus({
            name: node.metadata?.name ?? "",
            body: { ...created, status: node.status },
          });
        }
      } catch (e) {
        if (!isApiError(e, 409)) throw e;
      }
    }),
  );
}

async function waitReady(
  kc: KubeConfig,
  state: ClusterState,
  expectAlive: () => void,
  timeoutMs: number,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const waits: Promise<unknown>[] = [
    waitFor(
      "nodes Ready (kwok)",
      async () => {
        expectAlive();
        const nodes = await core.listNode();
        const ready = nodes.items.filter((n) =>
          (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length >= state.nodes.length ? true : undefined;
      },
      timeoutMs,
      200,
    ),
    // The service-account controller creating `default` shows the controller-manager is working.
    waitFor(
      "kube-controller-manager (default ServiceAccount)",
      async () => {
        expectAlive();
        await core.readNamespacedServiceAccount({ name: "default", namespace: "default" });
        return true;
      },
      timeoutMs,
      200,
    ),
  ];
  if (state.scheduler === "volcano") {
    waits.push(
      waitFor(
        "vc-scheduler (default Queue)",
        async () => {
          expectAlive();
          const co = kc.makeApiClient(CustomObjectsApi);
          await co.getClusterCustomObject({
            group: "scheduling.volcano.sh",
            version: "v1beta1",
            plural: "queues",
            name: "default",
          });
          return true;
        },
        timeoutMs,
        200,
      ),
      waitFor(
        "vc-controller-manager healthz",
        async () => {
          expectAlive();
          const res = await fetch(`http://127.0.0.1:${state.ports.vcControllersHealthz}/healthz`);
          return res.ok ? true : undefined;
        },
        timeoutMs,
        200,
      ),
    );
  }
  await Promise.all(waits);
}
