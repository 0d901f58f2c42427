import { z } from "zod";

/** Parses a plugin's parameters with its zod schema; the error names the plugin instance. */
export function parseParams<S extends z.ZodType>(
  schema: S,
  type: string,
  name: string,
  raw: unknown,
): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (!r.success)
    throw new Error(`plugin ${name} (${type}): invalid parameters: ${z.prettifyError(r.error)}`);
  return r.data;
}

/** True when the endpoint's engine metrics are fresh enough to trust. */
export function fresh(ep: { stale: boolean; metrics: { updatedAt: number } }): boolean {
  return !ep.stale && ep.metrics.updatedAt > 0;
}
