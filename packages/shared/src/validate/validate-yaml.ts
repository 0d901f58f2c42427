// Validates multi-document YAML text: every document is decoded with its position kept, checked with
// validateManifest, and reported with its 1-based index and the line it starts on.
import { LineCounter, parseAllDocuments } from "yaml";
import type { ManifestIssue } from "./issues.ts";
import { validateManifest } from "./validate-manifest.ts";

export type DocumentReport =
  | { status: "valid"; index: number; line: number; kind: string; name?: string }
  | {
      status: "invalid";
      index: number;
      line: number;
      kind?: string;
      name?: string;
      issues: ManifestIssue[];
    }
  | {
      status: "skipped";
      index: number;
      line: number;
      kind: string;
      apiVersion: string;
      name?: string;
    }
  | {
      status: "malformed";
      index: number;
      line: number;
      errorLine: number;
      column: number;
      message: string;
    };

function nameOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const meta = (value as Record<string, unknown>)["metadata"];
  if (typeof meta !== "object" || meta === null) return undefined;
  const name = (meta as Record<string, unknown>)["name"];
  return typeof name === "string" ? name : undefined;
}

export function validateYamlText(text: string): DocumentReport[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  // A stream that is not YAML at all comes back as a single error-carrying value.
  const list = Array.isArray(docs) ? docs : [docs];
  const reports: DocumentReport[] = [];
  let index = 0;
  for (const doc of list) {
    const start = doc.contents?.range[0] ?? doc.range[0];
    const line = lineCounter.linePos(start).line;
    const isEmpty = doc.contents === null || doc.contents === undefined;
    if (doc.errors.length > 0) {
      index += 1;
      const error = doc.errors[0];
      const pos = error?.linePos?.[0] ?? { line, col: 1 };
      // prettyErrors appends " at line L, column C:" and a code excerpt; the report carries both already.
      const firstLine = (error?.message ?? "invalid YAML").split("\n")[0] ?? "invalid YAML";
      const message = firstLine.replace(/ at line \d+, column \d+:?$/, "");
      reports.push({
        status: "malformed",
        index,
        line,
        errorLine: pos.line,
        column: pos.col,
        message,
      });
      continue;
    }
    if (isEmpty) continue; // `---` separators and comment-only documents, as kubectl ignores them
    index += 1;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const result = validateManifest(value);
    const name = nameOf(value);
    if ("skipped" in result) {
      reports.push({
        status: "skipped",
        index,
        line,
        kind: result.kind,
        apiVersion: result.apiVersion,
        ...(name ? { name } : {}),
      });
    } else if (result.ok) {
      reports.push({ status: "valid", index, line, kind: result.kind, ...(name ? { name } : {}) });
    } else {
      reports.push({
        status: "invalid",
        index,
        line,
        ...(result.kind ? { kind: result.kind } : {}),
        ...(name ? { name } : {}),
        issues: result.issues,
      });
    }
  }
  return reports;
}

/** `kind/name`, as kubectl names objects. */
export function objectLabel(kind: string | undefined, name: string | undefined): string {
  if (!kind) return name ? `(no kind)/${name}` : "(no kind)";
  return name ? `${kind}/${name}` : kind;
}

/**
 * One line per problem:
 *   models.yaml:doc 2 (line 31): ModelServing/sample: spec.template.roles[1].workerTemplate: required when workerReplicas > 0
 */
export function formatProblems(file: string, report: DocumentReport): string[] {
  const where = `${file}:doc ${report.index} (line ${report.line})`;
  if (report.status === "malformed") {
    return [
      `${where}: malformed YAML at line ${report.errorLine}, column ${report.column}: ${report.message}`,
    ];
  }
  if (report.status !== "invalid") return [];
  const label = objectLabel(report.kind, report.name);
  return report.issues.map((i) => `${where}: ${label}: ${i.path ? `${i.path}: ` : ""}${i.message}`);
}

export function formatSkipped(file: string, report: DocumentReport): string | undefined {
  if (report.status !== "skipped") return undefined;
  return `skipped ${file}:doc ${report.index} (line ${report.line}): ${objectLabel(report.kind, report.name)} (${report.apiVersion}): not a Tessera kind`;
}
