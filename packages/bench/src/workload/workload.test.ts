import { tokenize } from "@tessera/shared/tokens/tokenizer";
import { describe, expect, it } from "vitest";
import { randomWords, wordText, wordTokens } from "./text.ts";
import { generatedSharedPrefix, poissonArrivals, poissonLadder, prefixPool } from "./workload.ts";

describe("synthetic prompt text", () => {
  it("tokenises to exactly the token ids it was built from", () => {
    const a = randomWords(300, 1);
    const b = randomWords(57, 2);
    expect(tokenize(wordText(a, b))).toEqual(wordTokens(a, b));
    expect(wordTokens(a, b)).toHaveLength(357);
  });
});

describe("generated-shared-prefix workload", () => {
  const opts = {
    groups: 6,
    promptsPerGroup: 5,
    systemPromptLen: 40,
    questionLen: 12,
    outputLen: 7,
    seed: 3,
  };

  it("has groups × prompts requests whose prompts share exactly the group's system prompt", () => {
    const reqs = generatedSharedPrefix(opts);
    expect(reqs).toHaveLength(30);
    expect(reqs.map((r) => r.index)).toEqual([...Array(30).keys()]);
    for (let g = 0; g < 6; g++) {
      const mine = reqs.filter((r) => r.group === g).map((r) => r.promptTokens());
      expect(mine).toHaveLength(5);
      for (const p of mine) {
        expect(p).toHaveLength(52);
        expect(p.slice(0, 40)).toEqual((mine[0] as number[]).slice(0, 40));
      }
      // Questions differ within a group.
      expect(new Set(mine.map((p) => p.slice(40).join(","))).size).toBe(5);
    }
    // System prompts differ across groups.
    const firsts = new Set(
      [0, 1, 2, 3, 4, 5].map((g) =>
        reqs
          .find((r) => r.group === g)
          ?.promptTokens()
          .slice(0, 40)
          .join(","),
      ),
    );
    expect(firsts.size).toBe(6);
    expect(reqs.every((r) => r.outputLen === 7 && r.promptLen === 52)).toBe(true);
  });

  it("shuffles groups across the run", () => {
    const groups = generatedSharedPrefix(opts).map((r) => r.group);
    expect(groups).not.toEqual([...groups].sort((a, b) => a - b));
  });

  it("is deterministic for a seed and changes with it", () => {
    const a = generatedSharedPrefix(opts);
    const b = generatedSharedPrefix(opts);
    const c = generatedSharedPrefix({ ...opts, seed: 4 });
    const key = (rs: typeof a) => rs.map((r) => `${r.group}:${r.promptTokens().join(",")}`);
    expect(key(a)).toEqual(key(b));
    expect(key(a)).not.toEqual(key(c));
    expect(a[0]?.promptText()).toBe(b[0]?.promptText());
  });

  it("spaces Poisson arrivals at the requested mean rate", () => {
    const reqs = generatedSharedPrefix({ ...opts, groups: 100, promptsPerGroup: 40 });
    poissonArrivals(reqs, 50, 1);
    const last = reqs[reqs.length - 1]?.arrival ?? 0;
    expect(reqs[0]?.arrival).toBe(0);
    // 3,999 gaps of mean 1/50 s: 80 s ± a few percent.
    expect(last).toBeGreaterThan(76);
    expect(last).toBeLessThan(84);
    poissonArrivals(reqs, Infinity, 1);
    expect(reqs.every((r) => r.arrival === 0)).toBe(true);
  });
});

describe("prompt pool and Poisson ladder", () => {
  it("draws pool prompts per stage at the stage's rate", () => {
    const pool = prefixPool({
      groups: 4,
      usersPerGroup: 3,
      systemPromptLen: 20,
      questionLen: 5,
      outputLen: 3,
      seed: 1,
    });
    expect(pool.size).toBe(12);
    const { requests, stageOf, stageStart } = poissonLadder(
      pool,
      [
        { rate: 10, durationS: 100 },
        { rate: 40, durationS: 100 },
      ],
      7,
    );
    const n0 = stageOf.filter((s) => s === 0).length;
    const n1 = stageOf.filter((s) => s === 1).length;
    expect(n0).toBeGreaterThan(900);
    expect(n0).toBeLessThan(1100);
    expect(n1).toBeGreaterThan(3700);
    expect(n1).toBeLessThan(4300);
    expect(stageStart).toEqual([0, 100]);
    requests.forEach((r, i) => {
      expect(r.arrival).toBeGreaterThanOrEqual(stageStart[stageOf[i] as number] as number);
      expect(r.index).toBe(i);
    });
    // The same pool prompt always has the same tokens; users of one group share the system prompt.
    const byGroup = requests.filter((r) => r.group === 2).map((r) => r.promptTokens());
    for (const p of byGroup) expect(p.slice(0, 20)).toEqual((byGroup[0] as number[]).slice(0, 20));
    expect(new Set(byGroup.map((p) => p.join(","))).size).toBe(3);
  });
});
