// kwok: keeps the fake nodes Ready (heartbeats and leases) and moves bound pods to Running with a pod
// IP from the node's podCIDR (a 127.x range, so a process bound to that IP is reachable).
import { join } from "node:path";
import { binaryPath } from "../binaries/build.ts";
import type { SpawnSpec } from "../process.ts";

export function kwokSpec(
  dir: string,
  kubeconfig: string,
  port: number,
  cidr: string,
  nodeIp: string,
): SpawnSpec {
  return {
    name: "kwok",
    command: binaryPath("kwok"),
    args: [
      `--kubeconfig=${kubeconfig}`,
      "--manage-all-nodes=true",
      `--cidr=${cidr}`,
      `--node-ip=${nodeIp}`,
      `--server-address=127.0.0.1:${port}`,
      "--node-lease-duration-seconds=40",
    ],
    log: join(dir, "logs", "kwok.log"),
  };
}
