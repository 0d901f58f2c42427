import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";
import { join } from "node:path";

const engine = `${process.execPath} ${join(import.meta.dirname, "test/fixtures/http-engine.ts")} --model {model} --host {ip} --port {port} --pod {namespace}/{pod}`;

// Integration tests (*.int.test.ts) run against two real clusters started by the global setup:
// "big": 2 spines × 2 leaves × 4 nodes × 8 GPUs (128 GPUs), Volcano, pod engines for tessera.io/engine=sim;
// "small": 2 nodes × 4 GPUs (8 GPUs), Volcano, the default engine (tessera-sim) for tessera.io/engine=tessera-sim.
export default mergeConfig(
  tesseraVitest("local-cluster", {
    globalSetup: ["src/testing/global-setup.ts"],
    testTimeout: 90_000,
  }),
  {
    test: {
      provide: {
        tesseraClusters: [
          {
            name: "big",
            topology: "2x2x4",
            podEngines: { selector: "tessera.io/engine=sim", command: engine },
          },
          {
            name: "small",
            nodes: 2,
            gpusPerNode: 4,
            podEngines: { selector: "tessera.io/engine=tessera-sim" },
          },
        ],
      },
    },
  },
);
