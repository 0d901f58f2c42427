import { describe, expect, it } from "vitest";
import { selectContenders } from "./overhead.ts";

describe("overhead --only", () => {
  const all = ["direct", "nginx", "prefix", "ratelimit"].map((id) => ({ id }));

  it("keeps direct and the named contenders, in the usual order", () => {
    expect(selectContenders(all, ["ratelimit", "nginx"]).map((c) => c.id)).toEqual([
      "direct",
      "nginx",
      "ratelimit",
    ]);
    expect(selectContenders(all, undefined)).toBe(all);
  });

  it("names unknown ids", () => {
    expect(() => selectContenders(all, ["prefix", "envoy"])).toThrow(
      /unknown.*envoy.*known: direct/,
    );
  });
});
