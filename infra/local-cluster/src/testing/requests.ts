// Cluster requests as a test project writes them (serialisable: they travel through `provide`).
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { UpOptions } from "../cluster/up.ts";
import { TOPOLOGIES_DIR } from "../paths.ts";

export interface ClusterRequest {
  /** Logical name used by the tests (the real cluster name gets a per-run prefix). */
  name: string;
  nodes?: number;
  gpusPerNode?: number;
  /** A file path, or the name of a bundled topology (`2x2x4` → topologies/2x2x4.yaml). */
  topology?: string;
  scheduler?: "volcano" | "kube";
  tesseraCrds?: boolean;
  manifests?: string[];
  podEngines?: { selector: string; command?: string };
}

/** Real name of a test cluster: prefixed with the test run's PID so runs and dev clusters never clash. */
export function testClusterName(logical: string, pid = process.pid): string {
  return `t${pid}-${logical}`;
}

export function resolveTopology(topology: string): string {
  if (isAbsolute(topology) || existsSync(topology)) return topology;
  const bundled = join(TOPOLOGIES_DIR, topology.endsWith(".yaml") ? topology : `${topology}.yaml`);
  if (existsSync(bundled)) return bundled;
  throw new Error(
    `topology ${topology} not found (neither a file nor one of ${TOPOLOGIES_DIR}/*.yaml)`,
  );
}

export function resolveRequest(request: ClusterRequest): Omit<UpOptions, "name"> {
  const options: Omit<UpOptions, "name"> = {};
  if (request.nodes !== undefined) options.nodes = request.nodes;
  if (request.gpusPerNode !== undefined) options.gpusPerNode = request.gpusPerNode;
  if (request.topology !== undefined) options.topology = resolveTopology(request.topology);
  if (request.scheduler !== undefined) options.scheduler = request.scheduler;
  if (request.tesseraCrds !== undefined) options.tesseraCrds = request.tesseraCrds;
  if (request.manifests !== undefined) options.manifests = request.manifests;
  if (request.podEngines !== undefined) options.podEngines = request.podEngines;
  return options;
}
