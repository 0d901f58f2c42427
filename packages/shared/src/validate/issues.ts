// Turns zod issues into short kubectl-like messages: one issue per problem, each with a field path.
import type { z } from "zod";
import { formatFieldPath } from "./field-path.ts";

export interface ManifestIssue {
  /** Field path such as `spec.template.roles[1].workerTemplate` ("" for the document itself). */
  path: string;
  message: string;
}

const TYPE_NAMES: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

function describeValue(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "number" && !Number.isInteger(input)) return "a decimal number";
  return `a ${typeof input}`;
}

function bound(issue: { inclusive?: boolean }, op: "min" | "max"): string {
  if (op === "min") return issue.inclusive === false ? ">" : ">=";
  return issue.inclusive === false ? "<" : "<=";
}

const MISSING_CODES = new Set(["invalid_type", "invalid_value", "invalid_union"]);

function messageFor(issue: z.core.$ZodIssue): string {
  // With reportInput, a missing field shows up as an issue whose input is undefined.
  if (MISSING_CODES.has(issue.code) && "input" in issue && issue.input === undefined)
    return "required";
  // Messages written in the schemas win over zod's generic ones ("Invalid input...", "Too small...").
  if (!/^(Invalid|Too (small|big)|Unrecognized)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of: ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string")
        return `must be at least ${String(issue.minimum)} character(s)`;
      return `must be ${bound(issue, "min")} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} character(s)`;
      return `must be ${bound(issue, "max")} ${String(issue.maximum)}`;
    case "invalid_format":
      return issue.pattern ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

export function toManifestIssues(issues: readonly z.core.$ZodIssue[]): ManifestIssue[] {
  const out: ManifestIssue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ path: formatFieldPath([...issue.path, key]), message: "unknown field" });
    } else {
      out.push({ path: formatFieldPath(issue.path), message: messageFor(issue) });
    }
  }
  return out;
}
