// Prometheus metric sources: an instant query (`GET <serverURL>/api/v1/query`) that must return
// exactly one sample (a one-element vector or a scalar); anything else makes the metric missing.
import type { MetricObservation } from "@tessera/shared/autoscaling/index";

interface QueryResponse {
  status?: string;
  data?: {
    resultType?: string;
    result?: unknown;
  };
}

/** The single value of an instant-query response, or an error string. */
export function singleValue(body: QueryResponse): number | string {
  if (body.status !== "success" || !body.data) return "query failed";
  const { resultType, result } = body.data;
  let pair: unknown;
  if (resultType === "scalar") pair = result;
  else if (resultType === "vector" && Array.isArray(result)) {
    if (result.length !== 1) return `query returned ${result.length} series, want 1`;
    pair = (result[0] as { value?: unknown }).value;
  } else return `unsupported result type ${String(resultType)}`;
  const v = Array.isArray(pair) ? Number(pair[1]) : Number.NaN;
  return Number.isFinite(v) ? v : "query returned a non-numeric value";
}

export async function queryPrometheus(
  serverURL: string,
  query: string,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<MetricObservation & { error?: string }> {
  const url = `${serverURL.replace(/\/$/, "")}/api/v1/query?query=${encodeURIComponent(query)}`;
  try {
    const res = await (opts.fetch ?? fetch)(url, {
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3000),
    });
    if (!res.ok) return { kind: "missing", error: `HTTP ${res.status}` };
    const v = singleValue((await res.json()) as QueryResponse);
    return typeof v === "number" ? { kind: "external", value: v } : { kind: "missing", error: v };
  } catch (e) {
    return { kind: "missing", error: e instanceof Error ? e.message : String(e) };
  }
}
