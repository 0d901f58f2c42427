// Volcano: vc-scheduler (gang scheduling, queues, HyperNode network-topology-aware placement) and
// vc-controller-manager (PodGroups for bare pods, Volcano Jobs, queues). The admission webhooks are
// not run (they only validate/mutate).
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryPath, familyFile } from "../binaries/build.ts";
import type { SpawnSpec } from "../process.ts";

/** The scheduler policy: upstream's default tiers plus the network-topology-aware plugin. */
export const VOLCANO_SCHEDULER_CONF = `actions: "enqueue, allocate, backfill"
tiers:
- plugins:
  - name: priority
  - name: gang
    enablePreemptable: false
  - name: conformance
- plugins:
  - name: overcommit
  - name: drf
    enablePreemptable: false
  - name: predicates
  - name: proportion
  - name: nodeorder
  - name: binpack
  - name: network-topology-aware
`;

export interface VolcanoPorts {
  schedulerMetrics: number;
  schedulerHealthz: number;
  controllersMetrics: number;
  controllersHealthz: number;
}

export function volcanoSchedulerSpec(
  dir: string,
  kubeconfig: string,
  ports: VolcanoPorts,
  schedulerNames: string[],
): SpawnSpec {
  const conf = join(dir, "volcano-scheduler.conf");
  writeFileSync(conf, VOLCANO_SCHEDULER_CONF);
  return {
    name: "vc-scheduler",
    command: binaryPath("vc-scheduler"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--scheduler-conf=${conf}`,
      ...schedulerNames.map((n) => `--scheduler-name=${n}`),
      "--leader-elect=false",
      "--schedule-period=500ms",
      `--listen-address=127.0.0.1:${ports.schedulerMetrics}`,
      "--enable-healthz=true",
      `--healthz-address=127.0.0.1:${ports.schedulerHealthz}`,
      "--v=2",
    ],
    log: join(dir, "logs", "vc-scheduler.log"),
  };
}

export function volcanoControllersSpec(
  dir: string,
  kubeconfig: string,
  ports: VolcanoPorts,
  schedulerNames: string[],
): SpawnSpec {
  return {
    name: "vc-controller-manager",
    command: binaryPath("vc-controller-manager"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      ...schedulerNames.map((n) => `--scheduler-name=${n}`),
      "--leader-elect=false",
      // HyperNodes come from the topology file, so auto-discovery (hypernode-controller) stays off.
      "--controllers=pg-controller,job-controller,queue-controller",
      `--listen-address=127.0.0.1:${ports.controllersMetrics}`,
      "--enable-healthz=true",
      `--healthz-address=127.0.0.1:${ports.controllersHealthz}`,
      "--v=2",
    ],
    log: join(dir, "logs", "vc-controller-manager.log"),
  };
}

/** Volcano's CRD files, copied next to the binaries at build time. */
export function volcanoCrdFiles(): string[] {
  const dir = familyFile("volcano", "crd");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => join(dir, f));
}
