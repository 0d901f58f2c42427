// Request bodies are parsed once. When the router forwards the client's bytes unchanged nothing can
// be lost, but when it rewrites the body (model rewrite, stream usage injection, PD fields) it
// serialises the parsed object, and a plain JSON.parse turns integers beyond 2^53 (seeds, logit-bias
// token ids of huge vocabularies, client correlation ids) into the nearest double. A body that can
// hold such a number (a run of 16+ digits, or an exponent of 3+ digits that overflows) is therefore
// re-parsed keeping those numbers as JSON.rawJSON values, which JSON.stringify writes back verbatim.
// Everything else takes the plain, fast JSON.parse.

interface RawJsonApi {
  rawJSON(text: string): unknown;
}
type SourceReviver = (key: string, value: unknown, context: { source?: string }) => unknown;

const MAYBE_LOSSY = /\d{16}|[eE][+]?\d{3}/;
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
  if (!MAYBE_LOSSY.test(text)) return value;
  return JSON.parse(text, keepLossyNumbers as unknown as (key: string, value: unknown) => unknown);
}
