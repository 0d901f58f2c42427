import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crdDrift, syncCrds } from "./crds.ts";
import { SOURCE_CRDS_DIR } from "./paths.ts";

describe("chart CRDs", () => {
  it("are identical to infra/crds (run `npm run sync-crds -w @tessera/helm` after regenerating)", () => {
    expect(readdirSync(SOURCE_CRDS_DIR).filter((f) => f.endsWith(".yaml")).length).toBeGreaterThan(
      3,
    );
    expect(crdDrift()).toEqual([]);
  });

  it("drift is detected and fixed by the sync", () => {
    const root = mkdtempSync(join(tmpdir(), "crd-sync-"));
    const src = join(root, "src");
    const dst = join(root, "dst");
    mkdirSync(src);
    mkdirSync(dst);
    writeFileSync(join(src, "a.yaml"), "kind: A\n");
    writeFileSync(join(src, "b.yaml"), "kind: B\n");
    writeFileSync(join(dst, "a.yaml"), "kind: old\n");
    writeFileSync(join(dst, "gone.yaml"), "kind: Gone\n");
    expect(crdDrift(src, dst)).toEqual([
      "differs: a.yaml",
      "missing in chart: b.yaml",
      "not in infra/crds: gone.yaml",
    ]);
    syncCrds(src, dst);
    expect(crdDrift(src, dst)).toEqual([]);
  });
});
