import { join } from "node:path";
import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";

// Pods labelled tessera.io/engine=sim in the test cluster get a simulated vLLM engine at their pod IP.
const engine = `${process.execPath} ${join(import.meta.dirname, "../../packages/engine-sim/src/cli/main.ts")} --engine vllm --model {model} --host {ip} --port {port} --time-scale 0.01`;

// *.int.test.ts run against a real local cluster (kube-apiserver, etcd, kube-scheduler, kwok) started
// by @tessera/local-cluster's global setup; TESSERA_TEST_TIER=unit skips it.
export default mergeConfig(
  tesseraVitest("router", {
    testTimeout: 30_000,
    globalSetup: ["@tessera/local-cluster/testing/global-setup"],
  }),
  {
    test: {
      provide: {
        tesseraClusters: [
          {
            name: "router",
            nodes: 2,
            scheduler: "kube",
            podEngines: { selector: "tessera.io/engine=sim", command: engine },
          },
        ],
      },
    },
  },
);
