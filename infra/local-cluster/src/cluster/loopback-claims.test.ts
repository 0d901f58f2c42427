import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimIndex, claimsDir, releaseIndex } from "./loopback-claims.ts";

let scratch = "";
let savedCache: string | undefined;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "lc-claims-"));
  savedCache = process.env.TESSERA_CACHE_DIR;
  process.env.TESSERA_CACHE_DIR = join(scratch, "cache"); // env.ts reads process.env live
});
afterEach(() => {
  if (savedCache === undefined) delete process.env.TESSERA_CACHE_DIR;
  else process.env.TESSERA_CACHE_DIR = savedCache;
  rmSync(scratch, { recursive: true, force: true });
});

/** A cluster directory with a state.json, as `up` writes it. */
function cluster(root: string, name: string, index: number, extra: object = {}): string {
  const dir = join(scratch, root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "state.json"),
    JSON.stringify({ name, dir, index, status: "starting", processes: [], ...extra }),
  );
  return dir;
}

describe("loopback index claims", () => {
  it("gives clusters in different state roots different indices", () => {
    const a = join(scratch, "root-a", "dev");
    const b = join(scratch, "root-b", "dev"); // same name, other TESSERA_DATA_DIR
    expect(claimIndex(a, new Set())).toBe(1);
    cluster("root-a", "dev", 1);
    expect(claimIndex(b, new Set())).toBe(2);
    // Indices of this root's clusters are skipped even without a claim file.
    expect(claimIndex(join(scratch, "root-c", "x"), new Set([3]))).toBe(4);
  });

  it("reuses its own claim and frees it on release", () => {
    const a = cluster("root", "a", 1);
    expect(claimIndex(a, new Set())).toBe(1);
    expect(claimIndex(a, new Set())).toBe(1); // a restart of the same cluster
    releaseIndex(1, join(scratch, "other")); // not the holder: no effect
    expect(existsSync(join(claimsDir(), "1"))).toBe(true);
    releaseIndex(1, a);
    expect(existsSync(join(claimsDir(), "1"))).toBe(false);
  });

  it("takes over claims of clusters that are gone, not of ones being set up", () => {
    const gone = join(scratch, "root", "gone"); // its directory was deleted without a release
    expect(claimIndex(gone, new Set())).toBe(1);
    const settingUp = join(scratch, "root", "new"); // claimed, state.json not written yet
    expect(claimIndex(settingUp, new Set())).toBe(2);
    const failed = cluster("root", "failed", 3, {
      status: "failed",
      processes: [{ name: "etcd", pid: 999_999, startTime: "1", command: "", log: "" }],
    });
    expect(claimIndex(failed, new Set())).toBe(3);

    const old = (Date.now() - 60_000) / 1000;
    utimesSync(join(claimsDir(), "1"), old, old);
    const next = join(scratch, "root", "next");
    expect(claimIndex(next, new Set())).toBe(1); // the gone cluster's claim, after the grace time
    expect(claimIndex(join(scratch, "root", "last"), new Set())).toBe(3); // failed, nothing alive
  });
});
