import { describe, expect, it } from "vitest";
import { compareVersions, parseGoVersion, pickToolchain } from "./go.ts";
import { GO_TOOLCHAIN } from "./versions.ts";

describe("go toolchain detection", () => {
  it("parses `go version` output", () => {
    expect(parseGoVersion("go version go1.26.8 linux/amd64")).toBe("1.26.8");
    expect(parseGoVersion("go version go1.23 linux/amd64")).toBe("1.23");
    expect(parseGoVersion("something else")).toBeUndefined();
  });

  it("compares dotted versions numerically", () => {
    expect(compareVersions("1.25.7", "1.24.0")).toBeGreaterThan(0);
    expect(compareVersions("1.9", "1.10")).toBeLessThan(0);
    expect(compareVersions("1.24", "1.24.0")).toBe(0);
  });

  it("uses the newest local Go as is when it is new enough", () => {
    const found = [
      { go: "/usr/lib/go-1.23/bin/go", version: "1.23.5" },
      { go: "/usr/local/go/bin/go", version: "1.26.8" },
    ];
    expect(pickToolchain(found, "1.25.7")).toEqual({
      go: "/usr/local/go/bin/go",
      version: "1.26.8",
      toolchain: "local",
    });
  });

  it("lets an older Go (≥1.21) fetch the pinned toolchain, and ignores Go that cannot", () => {
    expect(pickToolchain([{ go: "/usr/lib/go-1.23/bin/go", version: "1.23.5" }], "1.24.0")).toEqual(
      {
        go: "/usr/lib/go-1.23/bin/go",
        version: "1.23.5",
        toolchain: GO_TOOLCHAIN,
      },
    );
    expect(pickToolchain([{ go: "/usr/bin/go", version: "1.19.8" }], "1.24.0")).toBeUndefined();
  });
});
