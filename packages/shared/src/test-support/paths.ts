// Locations the tests read from. The reference material lives in a `shared` directory next to the
// repository checkout (../shared from the repo root), wherever that checkout is.
import fs from "node:fs";
import path from "node:path";

/** The repository root: the nearest ancestor of this file holding turbo.json. */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, "turbo.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no turbo.json above ${import.meta.dirname}`);
    dir = parent;
  }
  return dir;
}

/** ../shared beside the checkout (CI clones the repository next to it). */
export function sharedDir(): string {
  return path.resolve(repoRoot(), "../shared");
}

export const conformanceDir = (): string =>
  path.join(sharedDir(), "conformance", "kthena-examples");
export const referenceDir = (): string => path.join(sharedDir(), "reference");
