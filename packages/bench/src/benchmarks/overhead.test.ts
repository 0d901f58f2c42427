import { describe, expect, it } from "vitest";
import { nginxComparison, selectContenders } from "./overhead.ts";

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

describe("added p50 against nginx's", () => {
  it("reports a ratio and its status when nginx's overhead is measurable", () => {
    expect(nginxComparison(0.3, 0.14)).toMatchObject({ status: "missed" });
    expect(nginxComparison(0.2, 0.14)).toEqual({
      ratio: 0.2 / 0.14,
      status: "met",
      text: "1.43× (nginx 0.140 ms)",
    });
  });

  it("reports no ratio when nginx's added p50 is within noise or negative", () => {
    for (const nginx of [-0.003, 0, 0.02])
      expect(nginxComparison(0.427, nginx)).toMatchObject({
        ratio: null,
        status: "not measurable",
      });
    expect(nginxComparison(0.427, -0.003).text).toBe(
      "no ratio: nginx's added p50 -0.003 ms is within noise (router 0.427 ms)",
    );
  });
});
