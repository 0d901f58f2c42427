// Pulls the ```yaml blocks out of reference documents and turns illustrative fragments into whole
// manifests, so documentation examples can be validated like any other manifest.
import { parseAllDocuments } from "yaml";
import { allResources } from "../api/registry.ts";

export interface ExtractedDocument {
  /** e.g. "kthena.md block 3 doc 2" */
  label: string;
  value: Record<string, unknown>;
  /** What was added to turn a fragment into a manifest (empty for complete documents). */
  completed: string[];
}

export function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ya?ml\s*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? "");
}

/** Drops `...` keys: `metricSources: {...}` is prose for "elided", which YAML reads as a key "...". */
function dropEllipses(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEllipses);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== "..." && k !== "…")
        .map(([k, v]) => [k, dropEllipses(v)]),
    );
  }
  return value;
}

/**
 * Every document of every block. A fragment (a document without apiVersion, kind or metadata)
 * illustrates the same kind as the block's first complete document, so it is completed with that
 * apiVersion and kind (or, if it names its kind, with the kind's own apiVersion) and a placeholder
 * name. Fragments are validated as they stand otherwise; nothing else is filled in.
 */
export function extractDocuments(source: string, markdown: string): ExtractedDocument[] {
  const out: ExtractedDocument[] = [];
  yamlBlocks(markdown).forEach((block, b) => {
    let blockApiVersion: string | undefined;
    let blockKind: string | undefined;
    parseAllDocuments(block).forEach((doc, d) => {
      if (doc.errors.length > 0)
        throw new Error(`${source} block ${b + 1} doc ${d + 1}: ${doc.errors[0]?.message ?? ""}`);
      const raw = doc.toJS() as unknown;
      if (raw === null || raw === undefined) return;
      const value = dropEllipses(raw) as Record<string, unknown>;
      const completed: string[] = [];
      if (typeof value["kind"] !== "string" && blockKind) {
        value["kind"] = blockKind;
        completed.push(`kind ${blockKind}`);
      }
      if (typeof value["apiVersion"] !== "string") {
        const kind = value["kind"];
        const apiVersion = allResources.find((r) => r.kind === kind)?.apiVersion ?? blockApiVersion;
        if (apiVersion) {
          value["apiVersion"] = apiVersion;
          completed.push(`apiVersion ${apiVersion}`);
        }
      }
      if (value["metadata"] === undefined) {
        value["metadata"] = { name: `fragment-${b + 1}-${d + 1}` };
        completed.push("metadata.name");
      }
      if (completed.length === 0) {
        blockApiVersion = value["apiVersion"] as string;
        blockKind = value["kind"] as string;
      }
      out.push({ label: `${source} block ${b + 1} doc ${d + 1}`, value, completed });
    });
  });
  return out;
}
