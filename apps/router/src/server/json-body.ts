// Request bodies are parsed once. When the router forwards the client's bytes unchanged nothing can
// be lost, but when it rewrites the body (model rewrite, stream usage injection, PD fields) it
// serialises the parsed object, and a plain JSON.parse turns integers beyond 2^53 (seeds, logit-bias
// token ids of huge vocabularies, client correlation ids) into the nearest double. A body whose
// parsed numbers include an unsafe integer or an overflow is therefore re-parsed keeping those
// numbers as JSON.rawJSON values, which JSON.stringify writes back verbatim. Finding them by walking
// the parsed value, not by scanning the text, matters: a regex over a 16 KB prompt cost ~50 µs per
// request (ten times the JSON.parse itself), while the walk skips strings.

interface RawJsonApi {
  rawJSON(text: string): unknown;
}
type SourceReviver = (key: string, value: unknown, context: { source?: string }) => unknown;

const INTEGER = /^-?\d+$/;

const keepLossyNumbers: SourceReviver = (_key, value, context) => {
  if (typeof value !== "number" || context.source === undefined) return value;
  const lossy = Number.isInteger(value)
    ? !Number.isSafeInteger(value) && INTEGER.test(context.source)
    : !Number.isFinite(value);
  return lossy ? (JSON as unknown as RawJsonApi).rawJSON(context.source) : value;
};

/** JSON.parse that keeps integers beyond 2^53 (and overflowing numbers) exact through JSON.stringify. */
export function parseRequestJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!hasLossyNumber(value)) return value;
  return JSON.parse(text, keepLossyNumbers as unknown as (key: string, value: unknown) => unknown);
}

/** True if a number in the parsed value may differ from its source text (iterative: no stack limit). */
function hasLossyNumber(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number") {
      if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return true;
    } else if (Array.isArray(v)) {
      for (const item of v)
        if (typeof item === "number" || typeof item === "object") stack.push(item);
    } else if (typeof v === "object" && v !== null) {
      for (const k in v) {
        const item = (v as Record<string, unknown>)[k];
        if (typeof item === "number" || typeof item === "object") stack.push(item);
      }
    }
  }
  return false;
}
