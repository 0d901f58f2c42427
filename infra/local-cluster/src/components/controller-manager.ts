// kube-controller-manager: namespaces, garbage collection, Deployments/ReplicaSets/StatefulSets/Jobs,
// service accounts, endpoints. No leader election (one instance per cluster).
import { join } from "node:path";
import { binaryPath } from "../binaries/build.ts";
import type { Credentials } from "../pki.ts";
import type { SpawnSpec } from "../process.ts";

export function controllerManagerSpec(
  dir: string,
  kubeconfig: string,
  port: number,
  creds: Credentials,
): SpawnSpec {
  return {
    name: "kube-controller-manager",
    command: binaryPath("kube-controller-manager"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, "pki", "kcm")}`,
      "--leader-elect=false",
      `--service-account-private-key-file=${creds.saKey}`,
      "--use-service-account-credentials=false",
      "--cluster-name=tessera",
      // Fake nodes never report real volumes or routes; these controllers only add noise.
      "--controllers=*,-cloud-node-lifecycle-controller,-node-route-controller,-service-lb-controller,-persistentvolume-attach-detach-controller,-persistentvolume-expander-controller",
      "--concurrent-gc-syncs=5",
      "--v=1",
    ],
    log: join(dir, "logs", "kube-controller-manager.log"),
  };
}
