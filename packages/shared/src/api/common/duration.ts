// metav1.Duration fields ("15s", "100ms", "1h30m"): plain strings in the CRD with Go's
// time.ParseDuration syntax (non-negative only, which is all Kthena accepts in practice).
import { z } from "zod";

const DURATION_SOURCE = "^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$";
export const DURATION = new RegExp(DURATION_SOURCE);

export function duration(description?: string) {
  return z
    .string()
    .regex(DURATION, { error: 'must be a duration such as "15s", "100ms" or "1m30s"' })
    .meta(description ? { description } : {});
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration string into milliseconds. */
export function durationToMs(value: string): number {
  if (!DURATION.test(value)) throw new Error(`not a duration: ${value}`);
  if (value === "0") return 0;
  let total = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  }
  return total;
}
