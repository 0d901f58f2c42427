// Vitest global setup: starts the clusters a test project asks for (test.provide.tesseraClusters),
// hands their kubeconfig paths to the tests (inject("tesseraClusterKubeconfigs")) and tears them
// down afterwards. A watchdog per cluster also tears it down if the Vitest process dies first.
//
//   // vitest.config.ts
//   export default mergeConfig(tesseraVitest("router", { globalSetup: ["@tessera/local-cluster/testing/global-setup"] }), {
//     test: { provide: { tesseraClusters: [{ name: "a", topology: "2x2x4" }] } },
//   });
import type { TestProject } from "vitest/node";
import { down } from "../cluster/down.ts";
import { up } from "../cluster/up.ts";
import { unitTierOnly } from "../env.ts";
import { resolveRequest, testClusterName } from "./requests.ts";
import type { ClusterRequest } from "./requests.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Clusters this project needs (set in vitest.config.ts). */
    tesseraClusters: ClusterRequest[];
    /** Logical cluster name → kubeconfig path (set by the global setup). */
    tesseraClusterKubeconfigs: Record<string, string>;
  }
}

export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const requests = project.getProvidedContext().tesseraClusters ?? [];
  if (unitTierOnly() || requests.length === 0) {
    project.provide("tesseraClusterKubeconfigs", {});
    return undefined;
  }
  const started: string[] = [];
  const teardown = async () => {
    await Promise.all(started.map((name) => down(name)));
  };
  // allSettled: when one cluster fails, wait for the others to finish starting before tearing all down.
  const results = await Promise.allSettled(
    requests.map(async (request) => {
      const name = testClusterName(request.name);
      started.push(name);
      const result = await up({
        ...resolveRequest(request),
        name,
        ownerPid: process.pid,
        log: (line) => process.stderr.write(`[local-cluster] ${line}\n`),
      });
      process.stderr.write(
        `[local-cluster] ${request.name} → ${name} ready in ${result.seconds.toFixed(1)}s\n`,
      );
      return [request.name, result.kubeconfig] as const;
    }),
  );
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    await teardown();
    throw new Error(failed.map((f) => String(f.reason)).join("\n"));
  }
  project.provide(
    "tesseraClusterKubeconfigs",
    Object.fromEntries(results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []))),
  );
  return teardown;
}
