#!/usr/bin/env node
// tessera-cluster: local real Kubernetes clusters (see ../README.md).
import { parseArgs } from "node:util";
import { ensureBinaries } from "./binaries/build.ts";
import { down, downAll } from "./cluster/down.ts";
import { formatTable, listClusters } from "./cluster/list.ts";
import { readState } from "./cluster/state.ts";
import type { SchedulerMode } from "./cluster/state.ts";
import { up } from "./cluster/up.ts";
import { defaultEngineCommand, runPodEngines } from "./pod-engines.ts";
import { runWatchdog } from "./watchdog.ts";

const USAGE = `usage: tessera-cluster <command> [options]

commands:
  binaries [--only a,b] [--force]      build the pinned Go binaries into ~/.cache/tessera/bin (idempotent)
  up --name NAME [options]             start a cluster; prints its kubeconfig path on stdout
      --nodes N                        fake GPU nodes without a topology (default 4)
      --gpus-per-node G                nvidia.com/gpu per node (default 8, or the topology's)
      --topology FILE                  HyperNode tree (see topologies/*.yaml); sets the node count
      --scheduler volcano|kube         volcano (default; kube-scheduler also runs for default-scheduler
                                       pods) or kube (kube-scheduler only)
      --pod-engines SELECTOR           start an engine for every Running pod matching this label selector
      --engine-command CMD             engine command template ({ip} {port} {model} {pod} {namespace} {node});
                                       default: tessera-sim --engine vllm --model {model} --host {ip} --port {port}
      --manifest FILE                  apply this YAML after the CRDs (repeatable)
      --no-tessera-crds                do not install infra/crds/*.yaml
      --foreground                     stay attached; Ctrl-C tears the cluster down
  down --name NAME | --all             stop a cluster's processes (by PID) and delete its state
  list [--json]                        clusters, status, process counts, kubeconfig paths
  kubeconfig --name NAME               print the kubeconfig path of a cluster
`;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "binaries": {
      const { values } = parseArgs({
        args: rest,
        options: { only: { type: "string" }, force: { type: "boolean" } },
      });
      await ensureBinaries({
        only: values.only?.split(","),
        force: values.force,
        log: (l) => console.log(l),
      });
      return 0;
    }
    case "up": {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: "string" },
          nodes: { type: "string" },
          "gpus-per-node": { type: "string" },
          topology: { type: "string" },
          scheduler: { type: "string" },
          "pod-engines": { type: "string" },
          "engine-command": { type: "string" },
          manifest: { type: "string", multiple: true },
          "no-tessera-crds": { type: "boolean" },
          foreground: { type: "boolean" },
        },
      });
      if (!values.name) throw new Error("up needs --name NAME");
      const scheduler = (values.scheduler ?? "volcano") as SchedulerMode;
      if (scheduler !== "volcano" && scheduler !== "kube")
        throw new Error("--scheduler must be volcano or kube");
      const result = await up({
        name: values.name,
        nodes: values.nodes === undefined ? undefined : intArg(values.nodes, "--nodes"),
        gpusPerNode:
          values["gpus-per-node"] === undefined
            ? undefined
            : intArg(values["gpus-per-node"], "--gpus-per-node", 0),
        topology: values.topology,
        scheduler,
        tesseraCrds: !values["no-tessera-crds"],
        manifests: values.manifest ?? [],
        podEngines: values["pod-engines"]
          ? {
              selector: values["pod-engines"],
              command: values["engine-command"] ?? defaultEngineCommand(),
            }
          : undefined,
        ownerPid: values.foreground ? process.pid : undefined,
        log,
      });
      log(
        `${values.name}: ready in ${result.seconds.toFixed(1)}s; export KUBECONFIG=${result.kubeconfig}`,
      );
      console.log(result.kubeconfig);
      if (values.foreground) {
        log("foreground: Ctrl-C stops the cluster");
        await new Promise<void>((resolve) => {
          process.on("SIGINT", resolve);
          process.on("SIGTERM", resolve);
        });
        await down(values.name);
      }
      return 0;
    }
    case "down": {
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: "string" }, all: { type: "boolean" } },
      });
      if (values.all) {
        const names = await downAll();
        log(names.length ? `stopped ${names.join(", ")}` : "no clusters");
        return 0;
      }
      if (!values.name) throw new Error("down needs --name NAME or --all");
      log((await down(values.name)) ? `stopped ${values.name}` : `no cluster named ${values.name}`);
      return 0;
    }
    case "list": {
      const { values } = parseArgs({ args: rest, options: { json: { type: "boolean" } } });
      const rows = listClusters();
      process.stdout.write(values.json ? JSON.stringify(rows, null, 2) + "\n" : formatTable(rows));
      return 0;
    }
    case "kubeconfig": {
      const { values } = parseArgs({ args: rest, options: { name: { type: "string" } } });
      const state = values.name ? readState(values.name) : undefined;
      if (!state) throw new Error(`no cluster named ${values.name ?? "(missing --name)"}`);
      console.log(state.kubeconfig);
      return 0;
    }
    // Internal: processes the harness starts itself.
    case "watchdog": {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: "string" },
          owner: { type: "string" },
          "owner-start": { type: "string" },
        },
      });
      await runWatchdog(values.name ?? "", Number(values.owner), values["owner-start"] ?? "");
      return 0;
    }
    case "pod-engines": {
      const { values } = parseArgs({
        args: rest,
        options: {
          name: { type: "string" },
          kubeconfig: { type: "string" },
          selector: { type: "string" },
          "engine-command": { type: "string" },
        },
      });
      const state = readState(values.name ?? "");
      if (!state || !values.kubeconfig || !values.selector)
        throw new Error("pod-engines: missing --name/--kubeconfig/--selector");
      await runPodEngines(state.dir, values.kubeconfig, {
        selector: values.selector,
        command: values["engine-command"] ?? defaultEngineCommand(),
      });
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
}

function intArg(v: string, flag: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`tessera-cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
