// Normalises the engine metric dialects (vLLM, SGLang, TGI) into one internal sample set. The
// mapping is data: each exported name maps to an internal field, and for every field the first
// name seen in a scrape wins, so an engine exporting both an old and a new name is not counted twice.

export type MetricField =
  | "waiting"
  | "running"
  | "kv"
  | "kvCapacity"
  | "ttftSum"
  | "ttftCount"
  | "tpotSum"
  | "tpotCount"
  | "prefixHits"
  | "prefixQueries"
  | "prefixHitRate";

const TABLE: readonly (readonly [string, MetricField])[] = [
  // vLLM (v1 names first, then the pre-v1 aliases)
  ["vllm:num_requests_waiting", "waiting"],
  ["vllm:num_requests_running", "running"],
  ["vllm:kv_cache_usage_perc", "kv"],
  ["vllm:gpu_cache_usage_perc", "kv"],
  ["vllm:time_to_first_token_seconds_sum", "ttftSum"],
  ["vllm:time_to_first_token_seconds_count", "ttftCount"],
  ["vllm:inter_token_latency_seconds_sum", "tpotSum"],
  ["vllm:inter_token_latency_seconds_count", "tpotCount"],
  ["vllm:time_per_output_token_seconds_sum", "tpotSum"],
  ["vllm:time_per_output_token_seconds_count", "tpotCount"],
  // Prefix-cache counters in tokens; the scraper turns their deltas into an interval hit rate.
  ["vllm:prefix_cache_hits_total", "prefixHits"],
  ["vllm:prefix_cache_queries_total", "prefixQueries"],
  // SGLang
  ["sglang:num_queue_reqs", "waiting"],
  ["sglang:num_running_reqs", "running"],
  ["sglang:token_usage", "kv"],
  ["sglang:max_total_num_tokens", "kvCapacity"],
  ["sglang:time_to_first_token_seconds_sum", "ttftSum"],
  ["sglang:time_to_first_token_seconds_count", "ttftCount"],
  ["sglang:inter_token_latency_seconds_sum", "tpotSum"],
  ["sglang:inter_token_latency_seconds_count", "tpotCount"],
  ["sglang:time_per_output_token_seconds_sum", "tpotSum"],
  ["sglang:time_per_output_token_seconds_count", "tpotCount"],
  // SGLang exports the hit rate itself (a gauge).
  ["sglang:cache_hit_rate", "prefixHitRate"],
  // TGI (text-generation-inference)
  ["tgi_queue_size", "waiting"],
  ["tgi_batch_current_size", "running"],
  ["tgi_request_mean_time_per_token_duration_sum", "tpotSum"],
  ["tgi_request_mean_time_per_token_duration_count", "tpotCount"],
];

const NAME_TO_FIELD: ReadonlyMap<string, MetricField> = new Map(TABLE);
/** vLLM's LoRA info gauge: labels running_lora_adapters / waiting_lora_adapters, value = timestamp. */
const LORA_INFO = "vllm:lora_requests_info";
/** vLLM's cache config gauge: KV capacity = labels num_gpu_blocks × block_size (tokens). */
const CACHE_INFO = "vllm:cache_config_info";

export interface ParsedEngineMetrics {
  waiting: number;
  running: number;
  kv: number;
  /** KV-cache capacity in tokens (vLLM cache_config_info, SGLang max_total_num_tokens). */
  kvCapacity: number;
  ttftSum: number;
  ttftCount: number;
  tpotSum: number;
  tpotCount: number;
  /** Cumulative prefix-cache hit and query tokens (vLLM). */
  prefixHits: number;
  prefixQueries: number;
  /** Prefix-cache hit rate 0..1 as the engine reports it (SGLang). */
  prefixHitRate: number;
  /** LoRA adapters from vLLM's lora_requests_info (latest sample), null if absent. */
  loras: string[] | null;
}

/**
 * Parses Prometheus text exposition, keeping only the names in the table. Samples with several
 * label sets (e.g. per model_name) are summed; unknown names are skipped without allocation beyond
 * the line's name slice.
 */
export function parseEngineMetrics(text: string): ParsedEngineMetrics {
  const out: ParsedEngineMetrics = {
    waiting: NaN,
    running: NaN,
    kv: NaN,
    kvCapacity: NaN,
    ttftSum: NaN,
    ttftCount: NaN,
    tpotSum: NaN,
    tpotCount: NaN,
    prefixHits: NaN,
    prefixQueries: NaN,
    prefixHitRate: NaN,
    loras: null,
  };
  const st: ParseState = { source: {}, loraTs: -Infinity };
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = len;
    const c = text.charCodeAt(pos);
    // Only lines starting with v (vllm), s (sglang) or t (tgi) can matter.
    if (c === 0x76 || c === 0x73 || c === 0x74) {
      parseLine(text, pos, eol, out, st);
    }
    pos = eol + 1;
  }
  return out;
}

function parseLine(
  text: string,
  start: number,
  end: number,
  out: ParsedEngineMetrics,
  st: ParseState,
): void {
  const source = st.source;
  let nameEnd = start;
  while (nameEnd < end) {
    const ch = text.charCodeAt(nameEnd);
    if (ch === 0x7b /* { */ || ch === 0x20 /* space */) break;
    nameEnd++;
  }
  const name = text.slice(start, nameEnd);
  const field = NAME_TO_FIELD.get(name);
  if (field === undefined && name !== LORA_INFO && name !== CACHE_INFO) return;
  let valueStart = nameEnd;
  let labels = "";
  if (text.charCodeAt(nameEnd) === 0x7b) {
    const close = text.lastIndexOf("}", end);
    if (close < nameEnd) return;
    labels = text.slice(nameEnd + 1, close);
    valueStart = close + 1;
  }
  const rest = text.slice(valueStart, end).trim();
  const sp = rest.indexOf(" ");
  const value = Number(sp === -1 ? rest : rest.slice(0, sp));
  if (Number.isNaN(value)) return;
  if (name === CACHE_INFO) {
    const blocks = Number(/num_gpu_blocks="(\d+)"/.exec(labels)?.[1] ?? NaN);
    const size = Number(/block_size="(\d+)"/.exec(labels)?.[1] ?? NaN);
    if (blocks > 0 && size > 0) out.kvCapacity = blocks * size;
    return;
  }
  if (field === undefined) {
    if (value > st.loraTs) {
      st.loraTs = value;
      out.loras = lorasFromLabels(labels);
    }
    return;
  }
  const prev = source[field];
  if (prev === undefined) {
    source[field] = name;
    out[field] = value;
  } else if (prev === name) {
    out[field] += value;
  }
}

interface ParseState {
  source: Partial<Record<MetricField, string>>;
  loraTs: number;
}

const LORA_LABELS = [/running_lora_adapters="([^"]*)"/, /waiting_lora_adapters="([^"]*)"/] as const;

function lorasFromLabels(labels: string): string[] {
  const result: string[] = [];
  for (const re of LORA_LABELS) {
    const m = re.exec(labels);
    if (m?.[1]) for (const a of m[1].split(",")) if (a.trim() !== "") result.push(a.trim());
  }
  return result;
}

/**
 * Interval average of a histogram from two cumulative (sum, count) observations. Returns NaN when
 * there is nothing new; on the first observation, or after a decrease (engine restart), it returns
 * the cumulative average.
 */
export function histogramDelta(
  prevSum: number,
  prevCount: number,
  sum: number,
  count: number,
): number {
  if (Number.isNaN(sum) || Number.isNaN(count)) return NaN;
  // First observation or engine restart: the cumulative average is the best estimate available.
  if (Number.isNaN(prevCount) || count < prevCount) return count > 0 ? sum / count : NaN;
  const dc = count - prevCount;
  if (dc <= 0) return NaN;
  return (sum - prevSum) / dc;
}
