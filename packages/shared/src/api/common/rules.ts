// Cross-field rules, written once and enforced twice: the CEL expression goes into the CRD as an
// `x-kubernetes-validations` entry (so the apiserver rejects bad objects), and the TypeScript twin runs
// inside zod (so `tessera validate`, the controller and the router reject the same objects offline).
// Keeping both halves side by side in one call is what stops them from drifting apart; a test
// evaluates every CEL expression against the same fixtures as the zod side.
import { z } from "zod";

/** One problem found by a rule's TypeScript twin; `path` is relative to the node the rule sits on. */
export interface RuleViolation {
  path: readonly PropertyKey[];
  message?: string;
}

export interface Rule<T> {
  /** CEL evaluated by the apiserver with `self` bound to this node (and `oldSelf` for transition rules). */
  cel: string;
  message: string;
  /** Child field the problem is reported on (CEL `fieldPath` and zod path); default: the node itself. */
  field?: string;
  /** Set false when `field` is outside the CRD schema (e.g. metadata.name): CEL then reports on the node. */
  celFieldPath?: false;
  /**
   * The same rule in TypeScript, run on zod's parsed output (defaults applied). Return true when the
   * value is fine, false to report `message` at `field`, or a list of precise violations.
   * Omitted for transition rules (zod has no old object) and for rules the zod type already enforces.
   */
  test?: (value: T) => boolean | readonly RuleViolation[];
}

/** The CRD form of a rule (a `ValidationRule` in apiextensions.k8s.io/v1). */
export interface CelValidation {
  rule: string;
  message: string;
  fieldPath?: string;
}

const VALIDATIONS = "x-kubernetes-validations";

/** Reads the CEL rules already attached to a schema (its own and those inherited from clones). */
export function celValidationsOf(schema: z.ZodType): CelValidation[] {
  const meta: Record<string, unknown> | undefined = z.globalRegistry.get(schema);
  const existing = meta?.[VALIDATIONS];
  return Array.isArray(existing) ? (existing as CelValidation[]) : [];
}

/** Attaches rules to a schema: a zod refinement for the TypeScript twins plus the CEL metadata. */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly Rule<z.output<S>>[]): S {
  const tested = rules.filter((r) => r.test !== undefined);
  const refined =
    tested.length === 0
      ? schema
      : schema.superRefine((value, ctx) => {
          for (const rule of tested) {
            const result = rule.test?.(value) ?? true;
            const violations: readonly RuleViolation[] =
              result === true
                ? []
                : result === false
                  ? [{ path: rule.field ? rule.field.split(".") : [] }]
                  : result;
            for (const v of violations) {
              ctx.addIssue({
                code: "custom",
                message: v.message ?? rule.message,
                path: [...v.path],
              });
            }
          }
        });
  const validations: CelValidation[] = [
    ...celValidationsOf(schema),
    ...rules.map((r) => ({
      rule: r.cel,
      message: r.message,
      ...(r.field && r.celFieldPath !== false ? { fieldPath: `.${r.field}` } : {}),
    })),
  ];
  return refined.meta({ [VALIDATIONS]: validations });
}
