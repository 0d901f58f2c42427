import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// Whether String.prototype has fast properties is V8 state, visible only through a natives-syntax
// intrinsic, so each case runs in a child process with --allow-natives-syntax.
const FAST = "%HasFastProperties(String.prototype)";

function child(lines: string[]): Record<string, boolean> {
  const code = [`const out = {};`, ...lines, `process.stdout.write(JSON.stringify(out));`].join(
    "\n",
  );
  const r = spawnSync(
    process.execPath,
    ["--allow-natives-syntax", "--input-type=module", "-e", code],
    { cwd: import.meta.dirname, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, boolean>;
}

const url = (rel: string) => JSON.stringify(new URL(rel, import.meta.url).href);

describe("keepStringPrototypeFast", () => {
  it("ioredis leaves String.prototype in dictionary mode (the reason for the fix)", () => {
    // If this starts failing, ioredis no longer subclasses String and the fix may be unnecessary.
    const r = child([`out.start = ${FAST};`, `await import("ioredis");`, `out.ioredis = ${FAST};`]);
    expect(r).toEqual({ start: true, ioredis: false });
  });

  it("makes it fast again after ioredis, and stays fast for later String subclasses", () => {
    const r = child([
      `await import("ioredis");`,
      `const { keepStringPrototypeFast } = await import(${url("./fast-string-prototype.ts")});`,
      `keepStringPrototypeFast();`,
      `out.fixed = ${FAST};`,
      `class Another extends String {}`,
      `out.subclass = ${FAST};`,
    ]);
    expect(r).toEqual({ fixed: true, subclass: true });
  });

  it("holds when called before ioredis is loaded", () => {
    const r = child([
      `const { keepStringPrototypeFast } = await import(${url("./fast-string-prototype.ts")});`,
      `keepStringPrototypeFast();`,
      `await import("ioredis");`,
      `out.fast = ${FAST};`,
    ]);
    expect(r).toEqual({ fast: true });
  });

  it("is applied by the router's own modules (the plugins and the Redis-backed code all loaded)", () => {
    const r = child([
      `await import(${url("../router.ts")});`,
      `await import(${url("../plugins/builtin.ts")});`,
      `out.router = ${FAST};`,
    ]);
    expect(r).toEqual({ router: true });
  });
});
