import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";

// Unit tests (src/*.test.ts) render the chart with the helm binary (built on first use, cached in
// ~/.cache/tessera/bin). *.int.test.ts install it into a real local cluster (kube-scheduler, kwok
// nodes) started by @tessera/local-cluster's global setup; TESSERA_TEST_TIER=unit skips them.
export default mergeConfig(
  tesseraVitest("helm", {
    testTimeout: 120_000,
    globalSetup: ["@tessera/local-cluster/testing/global-setup"],
  }),
  {
    test: {
      // The first run builds helm (a few minutes on a shared 2-core machine).
      hookTimeout: 600_000,
      provide: {
        tesseraClusters: [{ name: "helm", nodes: 3, scheduler: "kube" }],
      },
    },
  },
);
