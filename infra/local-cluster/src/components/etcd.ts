// etcd: one member on loopback, fsync disabled (throwaway development data).
import { join } from "node:path";
import { binaryPath } from "../binaries/build.ts";
import type { SpawnSpec } from "../process.ts";

export function etcdSpec(dir: string, clientPort: number, peerPort: number): SpawnSpec {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return {
    name: "etcd",
    command: binaryPath("etcd"),
    args: [
      "--name=tessera",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=tessera=${peer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
      "--quota-backend-bytes=4294967296",
    ],
    log: join(dir, "logs", "etcd.log"),
  };
}

/** etcd answers /health with {"health":"true"} once it has a leader. */
export async function etcdHealthy(clientPort: number): Promise<true | undefined> {
  const res = await fetch(`http://127.0.0.1:${clientPort}/health`);
  const body = (await res.json()) as { health?: string };
  return body.health === "true" ? true : undefined;
}
