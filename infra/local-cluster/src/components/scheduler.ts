// kube-scheduler (schedules pods whose schedulerName is default-scheduler).
import { join } from "node:path";
import { binaryPath } from "../binaries/build.ts";
import type { SpawnSpec } from "../process.ts";

export function kubeSchedulerSpec(dir: string, kubeconfig: string, port: number): SpawnSpec {
  return {
    name: "kube-scheduler",
    command: binaryPath("kube-scheduler"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, "pki", "scheduler")}`,
      "--leader-elect=false",
      "--v=1",
    ],
    log: join(dir, "logs", "kube-scheduler.log"),
  };
}
