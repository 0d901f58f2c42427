// The background part of `npm start`: once the demo stack answers, a real local Kubernetes cluster
// (@tessera/local-cluster: etcd, kube-apiserver, controller-manager, Volcano, kwok GPU nodes) comes
// up, is registered with the API, gets the controller, the demo model as a ModelServing with
// simulated engines, and a router in Kubernetes mode, and answers the demo key. Progress goes to
// the terminal and to the API (the console shows it). Missing cluster binaries are built first,
// which can take most of an hour on a fresh machine; the demo stays usable meanwhile.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FAMILIES, down, up } from "@tessera/local-cluster";
import { isBuilt } from "@tessera/local-cluster/binaries/build";
import { applyRaw, loadKubeConfig, requestRaw } from "@tessera/local-cluster/kube";
import { ApiCallError, call } from "./api.ts";
import type { Session } from "./api.ts";
import {
  DEMO_NAMESPACE,
  ENGINE_SELECTOR,
  demoModelObjects,
  objectPath,
  routerServiceObjects,
} from "./cluster-demo.ts";
import type { KubeObject } from "./cluster-demo.ts";
import { ProvisioningReporter } from "./provisioning.ts";
import type { ProvisioningPhase } from "./provisioning.ts";
import type { Supervisor } from "./supervisor.ts";
import { waitForHttp } from "./supervisor.ts";

const REPO = path.resolve(import.meta.dirname, "../../..");
const CLUSTER_CLI = path.join(REPO, "infra/local-cluster/src/cli.ts");
const CONTROLLER_MAIN = path.join(REPO, "apps/controller/src/main.ts");
const ROUTER_MAIN = path.join(REPO, "apps/router/src/main.ts");
const SIM_CLI = path.join(REPO, "packages/engine-sim/src/cli/main.ts");
const TOPOLOGY = path.join(REPO, "infra/local-cluster/topologies/1x2x2.yaml");
/** What `up` needs (the third-party inference simulator is not used here). */
const NEEDED = ["kubernetes", "etcd", "kwok", "volcano"];

export interface LocalClusterOptions {
  /** Cluster name, both for @tessera/local-cluster and in the API. */
  name: string;
  session: Session;
  supervisor: Supervisor;
  log: (line: string) => void;
  model: string;
  servedModel: string;
  /** A key of the demo tenant, for the end-to-end check through the cluster's router. */
  demoKey: string;
  routerPort: number;
  controllerPort: number;
  sim: { preset: string; timeScale: number; replicas: number };
}

/** Steps after the binaries, for progress {done, total}. */
const STEPS = [
  "etcd",
  "kube-apiserver",
  "CRDs",
  "nodes",
  "register",
  "controller",
  "demo model",
  "router",
] as const;
type Step = (typeof STEPS)[number];

export interface LocalClusterInfo {
  clusterId: string;
  kubeconfig: string;
  routerUrl: string;
  controllerUrl: string;
}

export class LocalCluster {
  readonly #o: LocalClusterOptions;
  readonly #reporter: ProvisioningReporter;
  #upping: Promise<unknown> | undefined;
  #halted = false;
  #started = false;
  info: LocalClusterInfo | undefined;

  constructor(o: LocalClusterOptions) {
    this.#o = o;
    this.#reporter = new ProvisioningReporter(o.session, o.name, o.log);
  }

  get name(): string {
    return this.#o.name;
  }

  get reporter(): ProvisioningReporter {
    return this.#reporter;
  }

  /** Starts the job in the background; failures are reported (phase Failed), never thrown. */
  start(): void {
    void this.#run().catch((e: unknown) => {
      if (this.#halted) return; // stopping: the errors are consequences of the stop
      const message = e instanceof Error ? e.message : String(e);
      this.#report("Failed", "failed", message.slice(0, 2000));
      this.#o.log(`tessera: the local cluster failed; the rest of the stack keeps running`);
    });
  }

  /** No new steps from now on (call before stopping the supervisor's programs). */
  halt(): void {
    this.#halted = true;
  }

  /** Tears the cluster down (after halt() and after its programs were stopped). */
  async teardown(): Promise<void> {
    this.#halted = true;
    if (!this.#started) return;
    // Kill what runs now (an `up` in progress then fails fast), then again once `up` settled, for
    // anything it started in between.
    await down(this.#o.name);
    await this.#upping?.catch(() => undefined);
    await down(this.#o.name);
  }

  #report(phase: ProvisioningPhase, step: string, message: string, done?: number, echo = true) {
    this.#reporter.report(
      {
        phase,
        step,
        message,
        ...(done === undefined ? {} : { progress: { done, total: STEPS.length } }),
        ...(this.info ? { clusterId: this.info.clusterId } : {}),
      },
      echo,
    );
  }

  #step(step: Step, message: string): void {
    this.#checkHalted();
    this.#report("Starting", step, message, STEPS.indexOf(step));
  }

  #checkHalted(): void {
    if (this.#halted) throw new Error("stopped");
  }

  async #run(): Promise<void> {
    const o = this.#o;
    this.#report("Pending", "queued", "starts once the demo stack is ready");
    await this.#ensureBinaries();

    this.#step("etcd", "starting etcd, kube-apiserver and the control plane");
    this.#started = true;
    const upping = up({
      name: o.name,
      topology: TOPOLOGY,
      scheduler: "volcano",
      buildBinaries: false,
      // The watchdog stops the cluster if this launcher dies without tearing it down (kill -9).
      ownerPid: process.pid,
      podEngines: {
        selector: ENGINE_SELECTOR,
        command:
          `${process.execPath} ${SIM_CLI} --engine vllm --model {model} --host {ip} --port {port}` +
          ` --preset ${o.sim.preset} --time-scale ${o.sim.timeScale}`,
      },
      log: (line) => this.#onUpLine(line),
    });
    this.#upping = upping;
    const cluster = await upping;
    this.#checkHalted();
    const kubeconfig = cluster.kubeconfig;
    const kc = loadKubeConfig(kubeconfig);

    this.#step("register", `registering ${o.name} with the API`);
    const clusterId = await this.#register(await readFile(kubeconfig, "utf8"));
    this.info = {
      clusterId,
      kubeconfig,
      routerUrl: `http://127.0.0.1:${o.routerPort}`,
      controllerUrl: `http://127.0.0.1:${o.controllerPort}`,
    };
    // Tenant and ApiKey objects into the cluster now rather than at the next periodic sync.
    await call(o.session, "POST", "/v1/clusters/sync-tenants", {});

    this.#step("controller", "starting tessera-controller against the cluster");
    o.supervisor.start({
      name: "controller",
      script: CONTROLLER_MAIN,
      args: [
        ...["--kubeconfig", kubeconfig, "--health-host", "127.0.0.1"],
        ...["--health-port", String(o.controllerPort), "--leader-elect=false"],
        ...["--identity", "npm-start", "--log-level", "warn"],
      ],
      onExit: (code) => this.#programExited("controller", code),
    });
    await waitForHttp(`${this.info.controllerUrl}/readyz`, 60_000);

    this.#step("demo model", `ModelServing ${DEMO_NAMESPACE}/demo with simulated engines`);
    for (const obj of demoModelObjects({
      model: o.model,
      servedModel: o.servedModel,
      replicas: o.sim.replicas,
      enginePort: 8000,
    }))
      await apply(kc, obj);
    await this.#waitAvailable(kc);

    this.#step("router", "starting tessera-router in Kubernetes mode");
    for (const obj of routerServiceObjects(this.info.routerUrl, o.routerPort)) await apply(kc, obj);
    o.supervisor.start({
      name: "cluster-router",
      script: ROUTER_MAIN,
      args: [],
      env: {
        KUBECONFIG: kubeconfig,
        ROUTER_HOST: "127.0.0.1",
        ROUTER_PORT: String(o.routerPort),
        TENANCY_ENABLED: "true",
        TESSERA_CLUSTER: o.name,
        ACCESS_LOG_ENABLED: "false",
        LOG_LEVEL: "warn",
      },
      onExit: (code) => this.#programExited("cluster-router", code),
    });
    await waitForHttp(`${this.info.routerUrl}/readyz`, 60_000);
    await this.#answers();

    this.#checkHalted();
    this.#report(
      "Ready",
      "ready",
      `control plane up in ${cluster.seconds.toFixed(0)} s; the demo model answers through the cluster's router`,
      STEPS.length,
    );
    o.log("");
    o.log(`tessera: local cluster ${o.name} is ready (and registered with the API)`);
    o.log(`  kubeconfig           ${kubeconfig}`);
    o.log(
      `  cluster router       ${this.info.routerUrl}/v1   model "${o.model}" → ModelServing ${DEMO_NAMESPACE}/demo`,
    );
    o.log(`  controller           ${this.info.controllerUrl}/metrics`);
    o.log("");
  }

  async #ensureBinaries(): Promise<void> {
    const o = this.#o;
    const missing = FAMILIES.filter((f) => NEEDED.includes(f.name) && !isBuilt(f));
    if (missing.length === 0) return;
    const names = missing.map((f) => f.name);
    o.log(
      `tessera: the local cluster needs binaries that are not built yet (${names.join(", ")}); ` +
        "building them from Go modules in the background. On a fresh machine this takes tens of " +
        "minutes (about an hour on 2 cores); the demo above works meanwhile.",
    );
    let done = 0;
    const building = (step: string, message: string, echo = true) =>
      this.#reporter.report(
        { phase: "Building", step, message, progress: { done, total: missing.length } },
        echo,
      );
    building(`building ${names[0] ?? ""}`, `building ${names.join(", ")} (can take an hour)`);
    const code = await o.supervisor.run({
      name: "binaries",
      script: CLUSTER_CLI,
      args: ["binaries", "--only", NEEDED.join(",")],
      onLine: (line) => {
        const ready = /^binaries: (\S+) \S+ ready in (\S+)/.exec(line);
        if (ready) {
          done++;
          building(`built ${ready[1] ?? ""}`, line);
          return;
        }
        // Progress lines every ~10 s: to the API only (the terminal shows them already).
        if (/^binaries: .*(building|compiled|downloading|fetching)/.test(line))
          building(line.replace(/^binaries: /, "").slice(0, 200), line, false);
      },
    });
    this.#checkHalted();
    if (code !== 0)
      throw new Error(`building the cluster binaries failed (exit ${code}); see [binaries] lines`);
  }

  #onUpLine(line: string): void {
    this.#o.log(`[cluster] ${line}`);
    if (this.#halted) return;
    if (/etcd ready/.test(line)) this.#step("kube-apiserver", line);
    else if (/kube-apiserver ready/.test(line)) this.#step("CRDs", line);
    else if (/CRDs served/.test(line)) this.#step("nodes", line);
  }

  #programExited(name: string, code: number | null): void {
    if (this.#halted) return;
    this.#report("Failed", `${name} exited`, `${name} exited with code ${code}; see its log lines`);
  }

  /** Registers the cluster, or (a restart with the same data directory) updates its kubeconfig. */
  async #register(kubeconfig: string): Promise<string> {
    const s = this.#o.session;
    const name = this.#o.name;
    const existing = (await call<{ id: string; name: string }[]>(s, "GET", "/v1/clusters")).find(
      (c) => c.name === name,
    );
    if (existing) {
      await call(s, "PATCH", `/v1/clusters/${existing.id}`, { kubeconfig });
      await call(s, "POST", `/v1/clusters/${existing.id}/check`, {});
      return existing.id;
    }
    try {
      const created = await call<{ id: string }>(s, "POST", "/v1/clusters", {
        name,
        displayName: "Local cluster (npm start)",
        description:
          "A real Kubernetes control plane with Volcano and kwok GPU nodes, started by npm start",
        labels: { "tessera.io/local": "true" },
        kubeconfig,
      });
      return created.id;
    } catch (e) {
      throw e instanceof ApiCallError ? new Error(`registering ${name}: ${e.message}`) : e;
    }
  }

  /** The controller reconciled the ModelServing: its group is Available (pods Running, engines up). */
  async #waitAvailable(kc: ReturnType<typeof loadKubeConfig>): Promise<void> {
    const deadline = Date.now() + 120_000;
    let last = "no status yet";
    while (Date.now() < deadline) {
      this.#checkHalted();
      const ms = (await requestRaw(
        kc,
        "GET",
        `/apis/workload.serving.volcano.sh/v1alpha1/namespaces/${DEMO_NAMESPACE}/modelservings/demo`,
      )) as {
        status?: {
          availableReplicas?: number;
          conditions?: { type: string; status: string; message?: string }[];
        };
      };
      const available = ms.status?.conditions?.find((c) => c.type === "Available");
      if ((ms.status?.availableReplicas ?? 0) >= 1 && available?.status === "True") return;
      last = available?.message ?? JSON.stringify(ms.status ?? {});
      await sleep(500);
    }
    throw new Error(`ModelServing ${DEMO_NAMESPACE}/demo not Available after 120 s (${last})`);
  }

  /** The demo key gets an answer from the cluster's router: the whole path works. */
  async #answers(): Promise<void> {
    const o = this.#o;
    const deadline = Date.now() + 60_000;
    let last = "";
    while (Date.now() < deadline) {
      this.#checkHalted();
      try {
        const res = await fetch(`http://127.0.0.1:${o.routerPort}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${o.demoKey}` },
          body: JSON.stringify({
            model: o.model,
            messages: [{ role: "user", content: "ping from npm start" }],
            max_tokens: 2,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) return;
        last = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      await sleep(500);
    }
    throw new Error(`the cluster router does not answer the demo model: ${last}`);
  }
}

async function apply(kc: ReturnType<typeof loadKubeConfig>, obj: KubeObject): Promise<void> {
  try {
    await applyRaw(kc, objectPath(obj), obj);
  } catch (e) {
    const what = `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata.name}`;
    throw new Error(`applying ${what}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
