// Locations inside the repository.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** infra/local-cluster */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** infra/crds: Tessera's generated CRDs (every *.yaml there is applied on `up`). */
export const TESSERA_CRDS_DIR = join(PACKAGE_ROOT, "..", "crds");
export const TOPOLOGIES_DIR = join(PACKAGE_ROOT, "topologies");
export const CLI_PATH = join(PACKAGE_ROOT, "src", "cli.ts");
