// Simulated engines for pods: for every Running pod matching a label selector, start an engine
// process bound to the pod's IP (a 127.x address, see net.ts) and port, so a client that resolves
// pods through the Kubernetes API reaches a live HTTP server exactly as it would a real pod.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { V1Pod } from "@kubernetes/client-node";
import { childEnv } from "./env.ts";
import { sleep } from "./exec.ts";
import { loadKubeConfig } from "./kube.ts";
import { CLI_PATH, PACKAGE_ROOT } from "./paths.ts";
import { isAlive, spawnTracked, stopProcesses } from "./process.ts";
import type { ProcessRecord } from "./process.ts";
import type { ClusterState } from "./cluster/state.ts";

export interface PodEnginesOptions {
  /** Label selector of the pods that get an engine, e.g. `tessera.io/engine=sim`. */
  selector: string;
  /**
   * Command template; placeholders {ip} {port} {model} {pod} {namespace} {node}.
   * Default: Tessera's engine simulator (`tessera-sim --engine vllm …`).
   */
  command?: string;
}

/** Annotation naming the model an engine serves (else the container's --model argument, else "sim-model"). */
export const MODEL_ANNOTATION = "tessera.io/engine-model";
/** Annotation with the port to bind (else the container port named http, else the first, else 8000). */
export const PORT_ANNOTATION = "tessera.io/engine-port";

export const ENGINE_SIM_MAIN = join(
  PACKAGE_ROOT,
  "..",
  "..",
  "packages",
  "engine-sim",
  "src",
  "cli",
  "main.ts",
);

export function defaultEngineCommand(): string {
  return `${process.execPath} ${ENGINE_SIM_MAIN} --engine vllm --model {model} --host {ip} --port {port}`;
}

export interface PodEngineTarget {
  key: string;
  ip: string;
  port: number;
  model: string;
  pod: string;
  namespace: string;
  node: string;
}

/**
 * The model name clients call, as the engine would serve it: vLLM and SGLang answer to
 * --served-model-name when given, else to the weights' name (--model / --model-path).
 */
function modelFromArgs(containers: readonly { command?: string[]; args?: string[] }[]) {
  let weights: string | undefined;
  for (const c of containers) {
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? "";
      const eq = a.indexOf("=");
      const flag = eq < 0 ? a : a.slice(0, eq);
      const value = eq < 0 ? args[i + 1] : a.slice(eq + 1);
      if (flag === "--served-model-name" && value) return value;
      if ((flag === "--model" || flag === "--model-path") && value) weights ??= value;
    }
  }
  return weights;
}

/** What engine a Running pod needs, or undefined (not running, no IP, being deleted). */
export function engineTarget(pod: V1Pod): PodEngineTarget | undefined {
  const ip = pod.status?.podIP;
  if (pod.status?.phase !== "Running" || !ip || pod.metadata?.deletionTimestamp) return undefined;
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const annotations = pod.metadata?.annotations ?? {};
  const containers = pod.spec?.containers ?? [];
  const model = annotations[MODEL_ANNOTATION] || modelFromArgs(containers);
  let port = Number(annotations[PORT_ANNOTATION]);
  if (!Number.isInteger(port) || port <= 0) {
    const ports = containers.flatMap((c) => c.ports ?? []);
    port = (ports.find((p) => p.name === "http") ?? ports[0])?.containerPort ?? 8000;
  }
  return {
    key: `${namespace}/${name}/${pod.metadata?.uid ?? ""}`,
    ip,
    port,
    model: model ?? "sim-model",
    pod: name,
    namespace,
    node: pod.spec?.nodeName ?? "",
  };
}

/** Splits a command template into argv (whitespace-separated; single or double quotes group). */
export function renderCommand(template: string, t: PodEngineTarget): string[] {
  const values: Record<string, string> = {
    ip: t.ip,
    port: String(t.port),
    model: t.model,
    pod: t.pod,
    namespace: t.namespace,
    node: t.node,
  };
  const argv: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of template.matchAll(re)) {
    const raw = m[1] ?? m[2] ?? m[3] ?? "";
    argv.push(raw.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole));
  }
  return argv;
}

function enginesFile(dir: string): string {
  return join(dir, "engines.json");
}

export function readEngineRecords(dir: string): ProcessRecord[] {
  try {
    return JSON.parse(readFileSync(enginesFile(dir), "utf8")) as ProcessRecord[];
  } catch {
    return [];
  }
}

function writeEngineRecords(dir: string, records: ProcessRecord[]): void {
  if (!existsSync(dir)) return;
  const tmp = `${enginesFile(dir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(records, null, 2));
  renameSync(tmp, enginesFile(dir));
}

/** Starts the supervisor process (`tessera-cluster pod-engines`) for a cluster. */
export function startPodEngines(
  state: ClusterState,
  kubeconfig: string,
  options: PodEnginesOptions,
): ProcessRecord {
  return spawnTracked({
    name: "pod-engines",
    command: process.execPath,
    args: [
      CLI_PATH,
      "pod-engines",
      "--name",
      state.name,
      "--kubeconfig",
      kubeconfig,
      "--selector",
      options.selector,
      "--engine-command",
      options.command ?? defaultEngineCommand(),
    ],
    log: join(state.dir, "logs", "pod-engines.log"),
    env: childEnv(),
  });
}

/** The supervisor loop: reconcile engine processes with matching Running pods every 500 ms. */
export async function runPodEngines(
  dir: string,
  kubeconfig: string,
  options: Required<PodEnginesOptions>,
): Promise<void> {
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  const logs = join(dir, "logs", "engines");
  mkdirSync(logs, { recursive: true });
  const running = new Map<
    string,
    { target: PodEngineTarget; record: ProcessRecord; startedAt: number }
  >();
  let stopping = false;
  const persist = () =>
    writeEngineRecords(
      dir,
      [...running.values()].map((r) => r.record),
    );
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stopProcesses(
      [...running.values()].map((r) => r.record),
      2_000,
    );
    running.clear();
    persist();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());

  while (!stopping) {
    try {
      const pods = await core.listPodForAllNamespaces({ labelSelector: options.selector });
      const wanted = new Map<string, PodEngineTarget>();
      for (const pod of pods.items) {
        const t = engineTarget(pod);
        if (t) wanted.set(t.key, t);
      }
      const toStop = [...running.entries()].filter(([key, r]) => {
        const w = wanted.get(key);
        // Gone, moved (new IP/port) or crashed: stop (and restart below if still wanted).
        return (
          !w ||
          w.ip !== r.target.ip ||
          w.port !== r.target.port ||
          (!isAlive(r.record) && Date.now() - r.startedAt > 2_000)
        );
      });
      if (toStop.length > 0) {
        await stopProcesses(
          toStop.map(([, r]) => r.record),
          2_000,
        );
        for (const [key] of toStop) running.delete(key);
      }
      for (const [key, t] of wanted) {
        if (running.has(key)) continue;
        const [command, ...args] = renderCommand(options.command, t);
        if (!command) continue;
        const record = spawnTracked({
          name: `engine:${t.namespace}/${t.pod}`,
          command,
          args,
          log: join(logs, `${t.namespace}_${t.pod}.log`),
          env: childEnv({ POD_IP: t.ip, POD_NAME: t.pod, POD_NAMESPACE: t.namespace }),
        });
        running.set(key, { target: t, record, startedAt: Date.now() });
        console.log(`${new Date().toISOString()} started ${record.command} (pid ${record.pid})`);
      }
      persist();
    } catch (e) {
      console.error(
        `${new Date().toISOString()} reconcile failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    await sleep(500);
  }
}
