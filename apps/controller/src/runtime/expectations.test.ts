import { describe, expect, it } from "vitest";
import { Expectations } from "./expectations.ts";

describe("Expectations", () => {
  it("waits until created objects appear with the created UID and deleted ones go or terminate", () => {
    const cache = new Map<string, { metadata: { uid: string; deletionTimestamp?: string } }>();
    const lookup = (kind: string, ns: string, name: string) => cache.get(`${kind}/${ns}/${name}`);
    const e = new Expectations();
    e.expectCreate("ns/ms", "Pod", "ns", "a", "u1");
    e.expectDelete("ns/ms", "Pod", "ns", "b", "u2");
    cache.set("Pod/ns/b", { metadata: { uid: "u2" } });
    expect(e.satisfied("ns/ms", lookup)).toBe(false);
    cache.set("Pod/ns/a", { metadata: { uid: "old" } });
    expect(e.satisfied("ns/ms", lookup)).toBe(false);
    cache.set("Pod/ns/a", { metadata: { uid: "u1" } });
    cache.set("Pod/ns/b", { metadata: { uid: "u2", deletionTimestamp: "now" } });
    expect(e.satisfied("ns/ms", lookup)).toBe(true);
    expect(e.size).toBe(0);
  });

  it("gives up after the timeout so a lost event cannot wedge a key", () => {
    let t = 0;
    const e = new Expectations({ timeoutMs: 1000, now: () => t });
    e.expectCreate("k", "Pod", "ns", "never", "u");
    expect(e.satisfied("k", () => undefined)).toBe(false);
    t = 1001;
    expect(e.satisfied("k", () => undefined)).toBe(true);
  });
});
