// A design spec checked against the schema with each problem's raw field path, so a form can put
// the message next to its own field (the API formats the same issues as `roles[1].replicas`).
import { toManifestIssues } from "../validate/issues.ts";
import { DesignSpecSchema } from "./spec.ts";
import type { DesignSpec } from "./spec.ts";

export interface DesignSpecIssue {
  /** Path in the spec, e.g. ["roles", 1, "minReplicas"] or ["podLabels", "team"]. */
  path: readonly PropertyKey[];
  message: string;
}

export function checkDesignSpec(
  input: unknown,
): { ok: true; spec: DesignSpec } | { ok: false; issues: DesignSpecIssue[] } {
  const r = DesignSpecSchema.safeParse(input);
  if (r.success) return { ok: true, spec: r.data };
  return {
    ok: false,
    issues: r.error.issues.flatMap((issue) =>
      // One issue may name several unknown keys; each gets its own path.
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => ({ path: [...issue.path, key], message: "unknown field" }))
        : toManifestIssues([issue]).map((i) => ({ path: issue.path, message: i.message })),
    ),
  };
}
