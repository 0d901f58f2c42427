import { tesseraVitest } from "@tessera/config/vitest";
import { mergeConfig } from "vitest/config";

// Unit tests (*.test.ts) need nothing. Integration tests (*.int.test.ts) share one PostgreSQL per
// run (src/testing/pg-global-setup.ts; DATABASE_URL if set, else embedded) and, for the cluster
// tests, two real local clusters: "east" (1 spine × 2 leaves × 2 nodes × 8 GPUs, HyperNodes) and
// "west" (2 nodes × 8 GPUs). TESSERA_API_NO_CLUSTERS=1 skips starting them (the cluster tests then
// skip) for quick iterations on the database tests.
const clusters = process.env.TESSERA_API_NO_CLUSTERS
  ? []
  : [
      { name: "east", topology: "1x2x2" },
      { name: "west", nodes: 2, gpusPerNode: 8 },
    ];

export default mergeConfig(
  tesseraVitest("api", {
    globalSetup: ["src/testing/pg-global-setup.ts", "@tessera/local-cluster/testing/global-setup"],
    testTimeout: 60_000,
  }),
  { test: { provide: { tesseraClusters: clusters } } },
);
