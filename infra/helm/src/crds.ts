// The chart's crds/ is a copy of infra/crds/*.yaml (Helm packages cannot follow symlinks out of the
// chart). `node src/crds.ts --write` refreshes it; crds.test.ts fails when the two differ.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CHART_CRDS_DIR, SOURCE_CRDS_DIR } from "./paths.ts";

const yamlFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
    : [];

/** Differences between infra/crds and the chart's crds/ (empty when in sync). */
export function crdDrift(source = SOURCE_CRDS_DIR, chart = CHART_CRDS_DIR): string[] {
  const src = yamlFiles(source);
  const dst = yamlFiles(chart);
  const out: string[] = [];
  for (const f of src) {
    if (!dst.includes(f)) out.push(`missing in chart: ${f}`);
    else if (readFileSync(join(source, f), "utf8") !== readFileSync(join(chart, f), "utf8"))
      out.push(`differs: ${f}`);
  }
  for (const f of dst) if (!src.includes(f)) out.push(`not in infra/crds: ${f}`);
  return out;
}

export function syncCrds(source = SOURCE_CRDS_DIR, chart = CHART_CRDS_DIR): string[] {
  const drift = crdDrift(source, chart);
  for (const f of yamlFiles(chart)) if (!existsSync(join(source, f))) rmSync(join(chart, f));
  for (const f of yamlFiles(source)) copyFileSync(join(source, f), join(chart, f));
  return drift;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--write")) {
    const changed = syncCrds();
    console.log(changed.length ? changed.join("\n") : "chart CRDs already in sync");
  } else {
    const drift = crdDrift();
    if (drift.length) {
      console.error(`${drift.join("\n")}\nrun: npm run sync-crds -w @tessera/helm`);
      process.exit(1);
    }
    console.log("chart CRDs in sync");
  }
}
