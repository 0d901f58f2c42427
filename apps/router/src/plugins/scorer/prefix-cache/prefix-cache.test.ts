import { describe, expect, it } from "vitest";
import { ep, handle, req, scores } from "../../testing.ts";
import { prefixBlockHashes, prefixCacheFactory } from "./index.ts";
import type { PrefixCacheScorer } from "./index.ts";

const make = (p: unknown = { blockSize: 4 }) =>
  prefixCacheFactory("pc", p, handle()) as PrefixCacheScorer;

describe("prefixBlockHashes", () => {
  it("hashes only full blocks, chained: equal hashes mean equal prefixes", () => {
    const a = prefixBlockHashes("m", "aaaabbbbcccc", 4, 10);
    const b = prefixBlockHashes("m", "aaaabbbbdddd", 4, 10);
    const c = prefixBlockHashes("m", "zzzzbbbbcccc", 4, 10);
    expect(a).toHaveLength(3);
    expect(prefixBlockHashes("m", "aaaabbbbcc", 4, 10)).toHaveLength(2);
    expect([a[0], a[1]]).toEqual([b[0], b[1]]);
    expect(a[2]).not.toBe(b[2]);
    // Same second block text after a different first block: different hash (chaining).
    expect(c[1]).not.toBe(a[1]);
    // The model name seeds the chain.
    expect(prefixBlockHashes("other", "aaaabbbbcccc", 4, 10)[0]).not.toBe(a[0]);
    expect(prefixBlockHashes("m", "aaaabbbbcccc", 4, 2)).toHaveLength(2);
  });
});

describe("prefix-cache scorer", () => {
  const e1 = ep({ id: "e1" });
  const e2 = ep({ id: "e2" });
  const served = "aaaabbbbccccdddd"; // 4 blocks served by e1
  const cases = [
    { name: "full match", prompt: served, want: [1, 0] },
    { name: "shared first half", prompt: "aaaabbbbxxxxyyyy", want: [0.5, 0] },
    { name: "longer prompt, served prefix", prompt: `${served}eeeeffff`, want: [0.6667, 0] },
    { name: "different first block → no match", prompt: "xaaabbbbccccdddd", want: [0, 0] },
    { name: "shorter than a block → all 0", prompt: "aaa", want: [0, 0] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = make();
      s.postResponse(req({ prompt: served }), e1, true);
      expect(await scores(s, req({ prompt: c.prompt }), [e1, e2])).toEqual(c.want);
    });
  }

  it("does not learn from failed responses and forgets removed endpoints", async () => {
    const s = make();
    s.postResponse(req({ prompt: served }), e1, false);
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0]);
    s.postResponse(req({ prompt: served }), e1, true);
    s.endpointRemoved("e1");
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0]);
  });

  it("bounds memory per endpoint with an LRU", async () => {
    const s = make({ blockSize: 4, lruCapacityPerEndpoint: 4 });
    s.postResponse(req({ prompt: served }), e1, true);
    s.postResponse(req({ prompt: "qqqqrrrr" }), e1, true);
    expect(s.stats()).toMatchObject({ entries: 4, evictions: 2 });
    // The two oldest blocks (the start of `served`) were evicted: no prefix match any more.
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0]);
    expect(await scores(s, req({ prompt: "qqqqrrrr" }), [e1])).toEqual([1]);
  });
});
