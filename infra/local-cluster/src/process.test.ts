import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, spawnTracked, stopProcesses } from "./process.ts";
import { validateName } from "./cluster/state.ts";

describe("tracked processes", () => {
  it("spawns detached, reports liveness and stops by PID (children included)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lc-proc-"));
    // A shell that starts a child: stopping the group must take both down.
    const rec = spawnTracked({
      name: "sh",
      command: "sh",
      args: ["-c", "sleep 60 & wait"],
      log: join(dir, "sh.log"),
    });
    expect(rec.startTime).not.toBe("");
    expect(isAlive(rec)).toBe(true);
    await stopProcesses([rec], 2_000);
    expect(isAlive(rec)).toBe(false);
  });

  it("does not treat a recycled PID (different start time) as the recorded process", () => {
    expect(isAlive({ pid: process.pid, startTime: "1" })).toBe(false);
  });
});

describe("cluster state", () => {
  it("accepts DNS-label names only", () => {
    expect(validateName("dev-1")).toBe("dev-1");
    expect(() => validateName("Dev")).toThrow(/invalid cluster name/);
    expect(() => validateName("../x")).toThrow(/invalid cluster name/);
  });
});
