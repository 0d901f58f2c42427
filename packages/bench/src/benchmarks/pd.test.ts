import { describe, expect, it } from "vitest";
import { runPd } from "./pd.ts";

const CHAT = {
  name: "chat" as const,
  prefixLen: 600,
  prefixes: 1,
  newTokens: 50,
  outputTokens: 20,
  turns: 3,
  sessionsPerS: 2,
  sessions: 12,
  thinkS: 0.5,
};

describe("PD decider simulation", () => {
  it("runs every turn of every session and marks which were disaggregated", () => {
    const local = runPd(CHAT, "always-local", "ib", 1, 1);
    const remote = runPd(CHAT, "always-disaggregate", "ib", 1, 1);
    expect(local.turns).toHaveLength(36);
    expect(remote.turns).toHaveLength(36);
    expect(local.turns.every((t) => !t.disaggregated)).toBe(true);
    expect(remote.turns.every((t) => t.disaggregated)).toBe(true);
    // A remote prefill adds a prefill-engine pass and a KV transfer before the first token.
    const mean = (r: typeof local) => r.turns.reduce((a, t) => a + t.ttft, 0) / r.turns.length;
    expect(mean(remote)).toBeGreaterThan(mean(local));
  });

  it("decides with the router's deciders: threshold disaggregates uncached turns, queue-aware keeps cached ones local", () => {
    // Every chat turn adds ≥ 50 uncached tokens on the decode engine: above llm-d's threshold of 16.
    const threshold = runPd(CHAT, "threshold-16", "ib", 1, 1);
    expect(threshold.turns.every((t) => t.disaggregated)).toBe(true);
    // Idle engines and a cached prefix: prefilling 50–100 tokens locally beats queueing + transfer.
    const qa = runPd(CHAT, "queue-aware", "ib", 1, 1);
    expect(qa.turns.filter((t) => !t.disaggregated).length).toBeGreaterThan(qa.turns.length / 2);
    // runPd throws if the router's prefill ledger did not return to zero.
  });

  it("is deterministic for a seed", () => {
    const a = runPd(CHAT, "queue-aware", "tcp", 1, 2);
    const b = runPd(CHAT, "queue-aware", "tcp", 1, 2);
    expect(a.turns.map((t) => t.ttft)).toEqual(b.turns.map((t) => t.ttft));
  });
});
