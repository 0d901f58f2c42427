// Locations inside the repository.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** infra/helm */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The chart. */
export const CHART_DIR = join(PACKAGE_ROOT, "tessera");
/** infra/crds: the generated CRDs, source of the chart's crds/ copy. */
export const SOURCE_CRDS_DIR = join(PACKAGE_ROOT, "..", "crds");
export const CHART_CRDS_DIR = join(CHART_DIR, "crds");
export const REPO_ROOT = join(PACKAGE_ROOT, "..", "..");
