import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assertTraversable, firstUntraversable } from "./root-access.ts";

const postgres = { uid: 101, gid: 104 };
/** A fake filesystem: path → mode and owner. */
const fsOf =
  (dirs: Record<string, { mode: number; uid?: number; gid?: number }>) => (p: string) => {
    const d = dirs[p];
    return d ? { mode: d.mode, uid: d.uid ?? 0, gid: d.gid ?? 0 } : undefined;
  };

describe("firstUntraversable", () => {
  it("finds the first directory without search permission for the user, from / down", () => {
    const stat = fsOf({
      "/": { mode: 0o755 },
      "/tmp": { mode: 0o1777 },
      "/tmp/tessera-abc": { mode: 0o700 },
      "/tmp/tessera-abc/data": { mode: 0o755 },
    });
    expect(firstUntraversable("/tmp/tessera-abc/data", postgres, stat)).toEqual({
      dir: "/tmp/tessera-abc",
      mode: 0o700,
      uid: 0,
      gid: 0,
    });
  });

  it("uses the owner bits for the user's own directories and the group bits for its group", () => {
    const stat = fsOf({
      "/": { mode: 0o755 },
      "/srv": { mode: 0o710, gid: 104 }, // group postgres may pass
      "/srv/pg": { mode: 0o700, uid: 101 }, // owned by postgres
    });
    expect(firstUntraversable("/srv/pg", postgres, stat)).toBeUndefined();
    // The same tree for a user that does not exist yet: only the "other" bits count.
    expect(firstUntraversable("/srv/pg", undefined, stat)?.dir).toBe("/srv");
  });

  it("stops at the first missing directory (it will be created inside a checked one)", () => {
    const stat = fsOf({ "/": { mode: 0o755 }, "/data": { mode: 0o755 } });
    expect(firstUntraversable("/data/new/deeper", postgres, stat)).toBeUndefined();
  });
});

describe("assertTraversable", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
  });

  it("names the blocking directory, its mode and the fix", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-access-")); // 0700
    dirs.push(dir);
    const target = path.join(dir, "data");
    // A uid that owns nothing here, so only the "other" bits apply (as for `postgres`).
    const stranger = { uid: 54_321, gid: 54_321 };
    expect(() => assertTraversable(target, "the data directory", "postgres", stranger)).toThrow(
      new RegExp(`cannot enter ${dir} \\(mode rwx------.*chmod o\\+x ${dir}`),
    );
    await fs.chmod(dir, 0o711);
    expect(() =>
      assertTraversable(target, "the data directory", "postgres", stranger),
    ).not.toThrow();
  });
});
