// Test tiers by file name: `*.test.ts` are unit tests next to the code; `*.int.test.ts` need a real
// PostgreSQL, Redis or Kubernetes cluster. `npm test` runs both; `npm run test:unit` only the first.
import { defineConfig } from "vitest/config";

export const UNIT = ["src/**/*.test.ts", "test/**/*.test.ts"];
export const INTEGRATION = ["src/**/*.int.test.ts", "test/**/*.int.test.ts"];

export function tesseraVitest(
  name: string,
  extra: { testTimeout?: number; globalSetup?: string[] } = {},
) {
  const onlyUnit = process.env.TESSERA_TEST_TIER === "unit";
  return defineConfig({
    test: {
      name,
      include: UNIT,
      exclude: onlyUnit ? [...INTEGRATION, "**/node_modules/**"] : ["**/node_modules/**"],
      testTimeout: extra.testTimeout ?? 20_000,
      hookTimeout: 120_000,
      globalSetup: extra.globalSetup ?? [],
    },
  });
}
