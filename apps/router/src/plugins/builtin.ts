// Every in-tree plugin, registered in one place so the full list is visible at a glance.
import { PluginRegistry } from "../scheduling/registry.ts";
import { LORA_AFFINITY_TYPE, loraAffinityFactory } from "./filter/lora-affinity/index.ts";
import { MAX_SCORE_TYPE, maxScoreFactory } from "./picker/max-score/index.ts";
import { RANDOM_TYPE, randomFactory } from "./picker/random/index.ts";
import { ROUND_ROBIN_TYPE, roundRobinFactory } from "./picker/round-robin/index.ts";
import { KV_CACHE_AWARE_TYPE, kvCacheAwareFactory } from "./scorer/kv-cache-aware/index.ts";
import { KV_CACHE_USAGE_TYPE, kvCacheUsageFactory } from "./scorer/kv-cache-usage/index.ts";
import { LEAST_LATENCY_TYPE, leastLatencyFactory } from "./scorer/least-latency/index.ts";
import { LEAST_REQUEST_TYPE, leastRequestFactory } from "./scorer/least-request/index.ts";
import { PREFIX_CACHE_TYPE, prefixCacheFactory } from "./scorer/prefix-cache/index.ts";
import { SESSION_AFFINITY_TYPE, sessionAffinityFactory } from "./scorer/session-affinity/index.ts";

export function registerBuiltinPlugins(r: PluginRegistry = new PluginRegistry()): PluginRegistry {
  r.register(LORA_AFFINITY_TYPE, loraAffinityFactory, ["filter"]);
  r.register(LEAST_REQUEST_TYPE, leastRequestFactory, ["filter", "scorer"]);
  r.register(LEAST_LATENCY_TYPE, leastLatencyFactory, ["scorer"]);
  r.register(KV_CACHE_USAGE_TYPE, kvCacheUsageFactory, ["scorer"]);
  r.register(PREFIX_CACHE_TYPE, prefixCacheFactory, ["scorer", "postResponse"]);
  r.register(KV_CACHE_AWARE_TYPE, kvCacheAwareFactory, ["scorer"]);
  r.register(SESSION_AFFINITY_TYPE, sessionAffinityFactory, ["scorer", "postResponse"]);
  r.register(MAX_SCORE_TYPE, maxScoreFactory, ["picker"]);
  r.register(RANDOM_TYPE, randomFactory, ["picker"]);
  r.register(ROUND_ROBIN_TYPE, roundRobinFactory, ["picker"]);
  return r;
}
