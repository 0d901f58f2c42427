// Small helpers for the TypeScript twins of CEL rules.

/** Indices of entries that repeat an earlier value (what a "names must be unique" rule reports). */
export function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  values.forEach((v, i) => {
    if (seen.has(v)) out.push(i);
    seen.add(v);
  });
  return out;
}
