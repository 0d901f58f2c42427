import { describe, expect, it } from "vitest";
import { ep, handle, req, scores } from "../../testing.ts";
import { kvCacheUsageFactory } from "./index.ts";
import type { KvCacheUsageScorer } from "./index.ts";

describe("kv-cache-usage scorer", () => {
  const cases = [
    {
      name: "1 − usage",
      params: {},
      eps: [ep({ metrics: { kvCacheUsage: 0.25 } }), ep({ metrics: { kvCacheUsage: 0.9 } })],
      want: [0.75, 0.1],
    },
    {
      name: "unknown usage → unknownScore",
      params: { unknownScore: 0.2 },
      eps: [ep(), ep({ metrics: { kvCacheUsage: 0 } })],
      want: [0.2, 1],
    },
    {
      name: "stale usage → unknownScore",
      params: {},
      eps: [ep({ stale: true, metrics: { kvCacheUsage: 0 } })],
      want: [0.5],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      expect(
        await scores(
          kvCacheUsageFactory("k", c.params, handle()) as KvCacheUsageScorer,
          req(),
          c.eps,
        ),
      ).toEqual(c.want);
    });
  }
});
