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
    // A prompt's blocks go in tail first, so its last two blocks were the oldest and went first
    // (as in vLLM); its leading half still matches.
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0.5]);
    expect(await scores(s, req({ prompt: "qqqqrrrr" }), [e1])).toEqual([1]);
  });

  it("records a prompt when it is sent (recordOn: schedule, the default), not only when served", async () => {
    const s = make();
    s.preRequest(req({ prompt: served }), e1);
    expect(await scores(s, req({ prompt: served }), [e1, e2])).toEqual([1, 0]);
    // The response refreshes the same entries: nothing is counted twice.
    s.postResponse(req({ prompt: served }), e1, true);
    expect(s.stats()).toMatchObject({ entries: 4 });
  });

  it("with recordOn: response learns only from successful responses", async () => {
    const s = make({ blockSize: 4, recordOn: "response" });
    s.preRequest(req({ prompt: served }), e1);
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0]);
    s.postResponse(req({ prompt: served }), e1, true);
    expect(await scores(s, req({ prompt: served }), [e1])).toEqual([1]);
  });

  describe("capacity model", () => {
    // blockSize 4 characters at 4 characters per token: every block stands for one token.
    const p = { blockSize: 4, charsPerToken: 4 };

    it("forgets the least recently used blocks beyond kvCapacityTokens", async () => {
      const s = make({ ...p, kvCapacityTokens: 6 });
      s.postResponse(req({ prompt: served }), e1, true); // 4 tokens
      s.postResponse(req({ prompt: "qqqqrrrr" }), e1, true); // 6 tokens: still fits
      expect(await scores(s, req({ prompt: served }), [e1])).toEqual([1]);
      s.postResponse(req({ prompt: "sssstttt" }), e1, true); // 8: the two oldest blocks go
      expect(await scores(s, req({ prompt: served }), [e1])).toEqual([0.5]);
      expect(await scores(s, req({ prompt: "qqqqrrrr" }), [e1])).toEqual([1]);
      expect(s.stats()).toMatchObject({ entries: 6, evictions: 2, tokens: 6 });
    });

    it("takes the capacity from the endpoint's scraped metrics when not configured", async () => {
      const s = make(p);
      const small = ep({ id: "small", metrics: { kvCapacityTokens: 4 } });
      const unknown = ep({ id: "unknown" });
      for (const e of [small, unknown]) {
        s.postResponse(req({ prompt: served }), e, true);
        s.postResponse(req({ prompt: "qqqqrrrr" }), e, true);
      }
      // 6 tokens into a 4-token engine: `served` lost its last two blocks; unknown capacity keeps all.
      expect(await scores(s, req({ prompt: served }), [small, unknown])).toEqual([0.5, 1]);
    });

    it("counts the prompt text beyond the hashed blocks against the capacity", async () => {
      const s = make({ ...p, maxBlocks: 2, kvCapacityTokens: 6 });
      // 2 hashed blocks + 16 more characters (4 tokens): exactly the capacity.
      const first = req({ prompt: `aaaabbbb${"x".repeat(16)}` });
      s.preRequest(first, e1);
      s.postResponse(first, e1, true); // refreshes the same tail entry, does not add a second one
      expect(s.stats()).toMatchObject({ entries: 3, tokens: 6 });
      expect(await scores(s, req({ prompt: "aaaabbbb" }), [e1])).toEqual([1]);
      // The next such prompt pushes the first one out entirely (its tail was the oldest entry).
      s.postResponse(req({ prompt: `qqqqrrrr${"y".repeat(16)}` }), e1, true);
      expect(await scores(s, req({ prompt: "aaaabbbb" }), [e1])).toEqual([0]);
      expect(await scores(s, req({ prompt: "qqqqrrrr" }), [e1])).toEqual([1]);
    });

    it("refreshes a prompt on success when other prompts were recorded since its schedule", async () => {
      const s = make({ ...p, kvCapacityTokens: 6 });
      const a = req({ prompt: served });
      s.preRequest(a, e1); // a: 4 tokens
      s.preRequest(req({ prompt: "qqqq" }), e1); // 5
      s.postResponse(a, e1, true); // a is the newest again, so "qqqq" is now the oldest
      s.postResponse(a, e1, true); // nothing in between: a no-op that leaves the order as it is
      s.postResponse(req({ prompt: "sssstttt" }), e1, true); // 7: one token over, the oldest goes
      expect(await scores(s, req({ prompt: "qqqq" }), [e1])).toEqual([0]);
      expect(await scores(s, req({ prompt: served }), [e1])).toEqual([1]);
      expect(s.stats()).toMatchObject({ entries: 6, evictions: 1, tokens: 6 });
    });

    it("rejects a non-positive capacity, naming the field", () => {
      expect(() => make({ ...p, kvCapacityTokens: 0 })).toThrow(/kvCapacityTokens/);
    });
  });
});
