import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";

// Unit tests (*.test.ts) cover the pure parts (designer manifests, trace CSV parsing, topology layout,
// fan-out merging). *.int.test.ts drive the production build in Chromium against the real API, a
// local cluster (started by @tessera/local-cluster's global setup) and the controller.
export default mergeConfig(
  tesseraVitest("console", {
    testTimeout: 300_000,
    globalSetup: ["@tessera/local-cluster/testing/global-setup"],
  }),
  {
    // The same "~/…" → src/… alias as tsconfig's paths (components import their siblings that way).
    resolve: { alias: { "~": new URL("./src", import.meta.url).pathname } },
    test: {
      provide: {
        tesseraClusters: [
          { name: "east", topology: "2x2x4", podEngines: { selector: "tessera.io/engine=sim" } },
        ],
      },
      fileParallelism: false,
    },
  },
);
