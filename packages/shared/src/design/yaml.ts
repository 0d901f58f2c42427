// Rendered objects as one multi-document YAML text: what the designer shows and copies, and what
// tests compare across the console and the API.
import { stringify } from "yaml";
import type { DesignManifest } from "./render.ts";

/** Plain YAML (no anchors or aliases, no folding: kubectl users read and paste it). */
export function designYaml(manifests: readonly DesignManifest[]): string {
  return manifests
    .map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
}
