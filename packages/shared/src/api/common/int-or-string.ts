// IntOrString values such as `maxUnavailable: 1` or `maxUnavailable: "25%"`. In the CRD they are
// `x-kubernetes-int-or-string: true` nodes whose format is checked by CEL; in zod a union.
import { z } from "zod";
import { INT_OR_STRING } from "./k8s-extensions.ts";
import { withRules } from "./rules.ts";

const PERCENT = /^[0-9]+%$/;
export const INT_OR_PERCENT_MESSAGE =
  'must be a non-negative integer or a percentage such as "25%"';

export type IntOrPercent = number | string;

/** A non-negative integer or a percentage string. */
export function intOrPercent(description: string) {
  const union = z
    .union(
      [
        z.int().min(0, { error: INT_OR_PERCENT_MESSAGE }),
        z.string().regex(PERCENT, { error: INT_OR_PERCENT_MESSAGE }),
      ],
      { error: INT_OR_PERCENT_MESSAGE },
    )
    .meta({ ...INT_OR_STRING, description });
  // zod enforces the format through the union itself, so the rule carries no TypeScript twin.
  return withRules(union, [
    {
      cel: "type(self) == int ? self >= 0 : self.matches('^[0-9]+%$')",
      message: INT_OR_PERCENT_MESSAGE,
    },
  ]);
}

/** True for 0 and for any spelling of 0 % ("0%", "00%"). */
export function isZeroIntOrPercent(value: IntOrPercent): boolean {
  return typeof value === "number" ? value === 0 : /^0+%$/.test(value);
}

/** CEL twin of isZeroIntOrPercent, for a field expression `f` known to be present. */
export function celIsZeroIntOrPercent(f: string): string {
  return `(type(${f}) == int ? ${f} == 0 : ${f}.matches('^0+%$'))`;
}

/**
 * Resolves an int-or-percent against a total the way Kubernetes does
 * (percentages rounded down for maxUnavailable, up for partition).
 */
export function resolveIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const scaled = (Number.parseInt(value, 10) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
