// Test-side helpers: a ready KubeConfig for a cluster started by the global setup.
import { basename, dirname } from "node:path";
import { KubeConfig, VersionApi } from "@kubernetes/client-node";
import { readState } from "../cluster/state.ts";
import type { ClusterState } from "../cluster/state.ts";
import { inject } from "vitest";
import { waitFor } from "../exec.ts";

/** Kubeconfig path of a cluster the project requested (by its logical name). */
export function clusterKubeconfigPath(name?: string): string {
  const all = inject("tesseraClusterKubeconfigs");
  const names = Object.keys(all);
  const key = name ?? names[0];
  const path = key === undefined ? undefined : all[key];
  if (!path) {
    throw new Error(
      `no local cluster ${name ?? ""} was started for this project (have: ${names.join(", ") || "none"}); ` +
        "add it to test.provide.tesseraClusters and the global setup in vitest.config.ts",
    );
  }
  return path;
}

/** A KubeConfig for the cluster, after the apiserver answered /version. */
export async function clusterKubeConfig(name?: string): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromFile(clusterKubeconfigPath(name));
  const version = kc.makeApiClient(VersionApi);
  await waitFor(
    "kube-apiserver /version",
    async () => (await version.getCode()).gitVersion,
    30_000,
  );
  return kc;
}

/** The harness's state of a test cluster (ports, PIDs, nodes, CRDs the apiserver rejected…). */
export function clusterState(name?: string): ClusterState | undefined {
  // The kubeconfig lives in the cluster's state directory, which is named after the cluster.
  return readState(basename(dirname(clusterKubeconfigPath(name))));
}
