import { describe, expect, it } from "vitest";
import { histogramDelta, parseEngineMetrics } from "./dialect.ts";

const VLLM = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 3.0
vllm:num_requests_waiting{engine="0",model_name="m"} 2.0
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.42
vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.99
vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 4.0
vllm:time_to_first_token_seconds_sum{model_name="m"} 1.5
vllm:time_to_first_token_seconds_count{model_name="m"} 10.0
vllm:inter_token_latency_seconds_sum{model_name="m"} 2.0
vllm:inter_token_latency_seconds_count{model_name="m"} 100.0
vllm:time_per_output_token_seconds_sum{model_name="m"} 999
vllm:time_per_output_token_seconds_count{model_name="m"} 1
vllm:lora_requests_info{max_lora="2",running_lora_adapters="a,b",waiting_lora_adapters=""} 1.7e9
vllm:lora_requests_info{max_lora="2",running_lora_adapters="c",waiting_lora_adapters="d"} 1.8e9
vllm:cache_config_info{block_size="16",cache_dtype="auto",engine="0",num_gpu_blocks="2048"} 1.0
vllm:prefix_cache_queries_total{engine="0",model_name="m"} 4096
vllm:prefix_cache_hits_total{engine="0",model_name="m"} 1024
`;

const SGLANG = `sglang:num_running_reqs{model_name="m"} 5
sglang:num_queue_reqs{model_name="m"} 1
sglang:token_usage{model_name="m"} 0.3
sglang:max_total_num_tokens{model_name="m"} 161721
sglang:time_to_first_token_seconds_sum{model_name="m"} 3
sglang:time_to_first_token_seconds_count{model_name="m"} 6
sglang:inter_token_latency_seconds_sum{model_name="m"} 1
sglang:inter_token_latency_seconds_count{model_name="m"} 50
sglang:cache_hit_rate{model_name="m"} 0.375
`;

const TGI = `tgi_queue_size 4
tgi_batch_current_size 7
tgi_request_mean_time_per_token_duration_sum 0.5
tgi_request_mean_time_per_token_duration_count 10
`;

describe("engine metric dialects", () => {
  const cases = [
    {
      name: "vLLM",
      text: VLLM,
      want: {
        waiting: 2,
        running: 3,
        kv: 0.42,
        kvCapacity: 32768,
        ttftSum: 1.5,
        ttftCount: 10,
        tpotSum: 2,
        tpotCount: 100,
        prefixHits: 1024,
        prefixQueries: 4096,
        prefixHitRate: NaN,
        loras: ["c", "d"],
      },
    },
    {
      name: "SGLang",
      text: SGLANG,
      want: {
        waiting: 1,
        running: 5,
        kv: 0.3,
        kvCapacity: 161721,
        ttftSum: 3,
        ttftCount: 6,
        tpotSum: 1,
        tpotCount: 50,
        prefixHits: NaN,
        prefixQueries: NaN,
        prefixHitRate: 0.375,
        loras: null,
      },
    },
    {
      name: "TGI",
      text: TGI,
      want: {
        waiting: 4,
        running: 7,
        kv: NaN,
        kvCapacity: NaN,
        ttftSum: NaN,
        ttftCount: NaN,
        tpotSum: 0.5,
        tpotCount: 10,
        prefixHits: NaN,
        prefixQueries: NaN,
        prefixHitRate: NaN,
        loras: null,
      },
    },
    {
      name: "empty",
      text: "",
      want: {
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
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(parseEngineMetrics(c.text)).toEqual(c.want);
    });
  }

  it("sums a metric over several label sets (e.g. per model)", () => {
    expect(
      parseEngineMetrics(
        'vllm:num_requests_running{model_name="a"} 1\nvllm:num_requests_running{model_name="b"} 2\n',
      ).running,
    ).toBe(3);
  });
});

describe("histogramDelta", () => {
  const cases: [string, [number, number, number, number], number][] = [
    ["interval average", [1, 10, 3, 20], 0.2],
    ["first observation: cumulative average", [NaN, NaN, 3, 20], 0.15],
    ["first observation, empty histogram", [NaN, NaN, 0, 0], NaN],
    ["no new samples", [3, 20, 3, 20], NaN],
    ["engine restart (count went down): cumulative average", [3, 20, 0.1, 1], 0.1],
  ];
  for (const [name, [ps, pc, s, c], want] of cases)
    it(name, () => expect(histogramDelta(ps, pc, s, c)).toBe(want));
});
