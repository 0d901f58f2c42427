import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";

// Integration tests (*.int.test.ts) share one real cluster from @tessera/local-cluster:
// 2 spines × 2 leaves × 4 nodes × 8 GPUs (128 GPUs), Volcano v1.14 with HyperNodes, kwok nodes.
// Files run one after another so GPU arithmetic in one test is not disturbed by another.
export default mergeConfig(
  tesseraVitest("controller", {
    globalSetup: ["@tessera/local-cluster/testing/global-setup"],
    testTimeout: 120_000,
  }),
  {
    test: {
      fileParallelism: false,
      provide: {
        tesseraClusters: [
          {
            name: "ctl",
            topology: "2x2x4",
            // Simulated vLLM engines for the autoscaler's pods (autoscaling.int.test.ts).
            podEngines: { selector: "tessera.io/engine=tessera-sim" },
          },
        ],
      },
    },
  },
);
