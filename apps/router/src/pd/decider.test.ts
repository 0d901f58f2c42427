import { describe, expect, it } from "vitest";
import {
  PdDeciderParams,
  decidePd,
  pdConfigFromEnv,
  queuedPrefillTokens,
  resolvePdConfig,
} from "./decider.ts";
import type { PdDeciderKind, PdSide } from "./decider.ts";
import { PrefillLedger } from "./prefill-ledger.ts";

const params = (decider: PdDeciderKind, extra: Partial<PdDeciderParams> = {}) =>
  PdDeciderParams.parse({ decider, prefillMsPerToken: 0.5, ...extra });
const side = (uncachedTokens: number, queuedTokens = 0): PdSide => ({
  uncachedTokens,
  queuedTokens,
});

describe("decidePd", () => {
  // [decider, decode side, prefill side, remote?, reason]
  const table: [PdDeciderKind, PdSide, PdSide | null, boolean, string][] = [
    ["always", side(0), null, true, "always"],
    ["always", side(5000), null, true, "always"],
    ["threshold", side(16), null, false, "cached-on-decode"],
    ["threshold", side(17), null, true, "above-threshold"],
    ["threshold", side(17, 1e6), null, true, "above-threshold"],
    ["queue-aware", side(10), side(10), false, "cached-on-decode"],
    // Idle prefill engine, 5K uncached: 2.5 s locally vs 2.5 s + 1 ms + 40 ms transfer → local.
    ["queue-aware", side(5000), side(5000), false, "decode-faster"],
    // Decode engine has 4K tokens queued: 4.5 s locally vs 2.54 s via the prefill engine.
    ["queue-aware", side(5000, 4000), side(5000), true, "prefill-path-faster"],
    // Prefill engine busy (20K queued): local.
    ["queue-aware", side(5000, 4000), side(5000, 20_000), false, "decode-faster"],
    // Prefill engine already holds most of the prompt.
    ["queue-aware", side(5000), side(100), true, "prefill-path-faster"],
  ];
  it.each(table)("%s decode=%j prefill=%j → remote %s (%s)", (kind, d, p, remote, reason) => {
    const c = decidePd(params(kind), { decode: d, prefill: p });
    expect(c.remote).toBe(remote);
    expect(c.reason).toBe(reason);
  });

  it("queue-aware prices the transfer of the decode endpoint's uncached tokens", () => {
    const p = params("queue-aware", { transferMsPerToken: 0.032, transferSetupMs: 5 });
    const c = decidePd(p, { decode: side(1000, 1000), prefill: side(1000) });
    expect(c.localMs).toBeCloseTo(1000);
    expect(c.remoteMs).toBeCloseTo(500 + 5 + 32);
    expect(c.remote).toBe(true);
  });

  it("queue-aware refuses to guess without the prefill side", () => {
    expect(() => decidePd(params("queue-aware"), { decode: side(100), prefill: null })).toThrow(
      /prefill endpoint/,
    );
  });
});

describe("queuedPrefillTokens", () => {
  const p = params("queue-aware", { waitingRequestTokens: 100 });
  it.each([
    [500, 3, false, 500],
    [100, 3, false, 300],
    [100, 3, true, 100],
    [100, Number.NaN, false, 100],
    [0, 0, false, 0],
  ])("router %d, waiting %d, stale %s → %d", (local, waiting, stale, want) => {
    expect(queuedPrefillTokens(p, local, waiting, stale)).toBe(want);
  });
});

describe("resolvePdConfig", () => {
  it("defaults to always, router-wide settings apply to every server, overrides only to theirs", () => {
    expect(resolvePdConfig(undefined)("ns/a").decider).toBe("always");
    const r = resolvePdConfig({
      decider: "queue-aware",
      prefillMsPerToken: 0.5,
      servers: { "ns/b": { decider: "threshold", thresholdTokens: 64 } },
    });
    expect(r("ns/a")).toMatchObject({ decider: "queue-aware", thresholdTokens: 16 });
    expect(r("ns/b")).toMatchObject({
      decider: "threshold",
      thresholdTokens: 64,
      prefillMsPerToken: 0.5,
    });
  });

  it("names the bad field", () => {
    expect(() => resolvePdConfig({ decider: "sometimes" })).toThrow(/pd\.decider/);
    expect(() => resolvePdConfig({ servers: { "ns/x": { thresholdTokens: -1 } } })).toThrow(
      /pd\.servers\.ns\/x\.thresholdTokens/,
    );
    expect(() => resolvePdConfig({ tresholdTokens: 3 })).toThrow(/tresholdTokens/);
  });

  it("reads PD_DECIDER and PD_DECIDER_CONFIG", () => {
    expect(pdConfigFromEnv("threshold", '{"thresholdTokens": 32}')).toEqual({
      decider: "threshold",
      thresholdTokens: 32,
    });
    expect(() => pdConfigFromEnv(undefined, "{")).toThrow(/PD_DECIDER_CONFIG is not valid JSON/);
    expect(() => pdConfigFromEnv(undefined, "[]")).toThrow(/must be a JSON object/);
  });
});

describe("PrefillLedger", () => {
  it("adds per endpoint and releases each charge exactly once", () => {
    const l = new PrefillLedger();
    const a = l.add("e1", 100);
    const b = l.add("e1", 50);
    l.add("e2", 0)();
    expect(l.get("e1")).toBe(150);
    a();
    a();
    expect(l.get("e1")).toBe(50);
    b();
    expect(l.get("e1")).toBe(0);
    expect(l.total()).toBe(0);
  });
});
