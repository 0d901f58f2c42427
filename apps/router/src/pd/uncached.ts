// How many of a request's prompt tokens an endpoint lacks in its prefix cache, from the indexes the
// router already keeps for scheduling, read through a profile's scorers:
//
//  kv-cache-aware  exact: the whole prompt tokenised as the engines do (the router's prompt token
//                  cache, always the local tokenizer here), the engines' chained block hashes, and the
//                  scorer's block index (in process or Redis) fed by the engines' KV events. Not capped
//                  by the scorer's maxBlocks, so a 30K-token prefix counts as cached.
//  prefix-cache    approximate: the scorer's own score for the endpoint (fraction of the prompt's
//                  leading hashed text blocks the router sent there), turned into characters and then
//                  tokens with the scorer's blockSize, maxBlocks and charsPerToken. Text beyond the
//                  hashed blocks counts as uncached (raise maxBlocks for long prompts).
//  neither         nothing known: the whole prompt (characters / 4) is uncached.
//
// A scorer with weight 0 in the profile is not run by the scheduler, so it is not consulted here.
import type { Endpoint } from "../framework/endpoint.ts";
import type { InferenceRequest } from "../framework/request.ts";
import {
  KvCacheAwareScorer,
  localTokens,
  requestBlockHashes,
} from "../plugins/scorer/kv-cache-aware/index.ts";
import { PrefixCacheScorer } from "../plugins/scorer/prefix-cache/index.ts";
import { Cycle } from "../scheduling/cycle-context.ts";
import type { Profile } from "../scheduling/scheduler.ts";

export type UncachedSource = "kv-cache-aware" | "prefix-cache" | "none";

/** Characters per token when nothing better is known (the admission estimate uses the same). */
const CHARS_PER_TOKEN = 4;
const TOKENS_MEMO = "pd:tokens";

export interface UncachedEstimate {
  readonly source: UncachedSource;
  /** The request's prompt tokens (exact with kv-cache-aware, else characters / charsPerToken). */
  readonly promptTokens: number;
  /** Uncached prompt tokens per endpoint, in the order asked. */
  readonly uncached: number[];
}

/** Prompt tokens an endpoint lacks when it holds the first `matchedBlocks` blocks of the prompt. */
export function uncachedTokens(
  promptTokens: number,
  matchedBlocks: number,
  blockSize: number,
): number {
  return Math.max(0, promptTokens - matchedBlocks * blockSize);
}

function fullTokens(req: InferenceRequest): number[] {
  let t = req.memo[TOKENS_MEMO] as number[] | undefined;
  if (t === undefined) {
    t = localTokens(req, Infinity);
    req.memo[TOKENS_MEMO] = t;
  }
  return t;
}

/** Uncached prompt tokens of `req` on each of `eps`, from `profile`'s prefix indexes. */
export async function estimateUncached(
  profile: Profile,
  req: InferenceRequest,
  eps: readonly Endpoint[],
  now: number,
): Promise<UncachedEstimate> {
  const kv = profile.scorers.find((s) => s.plugin instanceof KvCacheAwareScorer)?.plugin;
  if (kv instanceof KvCacheAwareScorer) {
    const { blockSize } = kv;
    const tokens = fullTokens(req);
    const hashes = requestBlockHashes(
      tokens,
      blockSize,
      Infinity,
      req.isLora ? req.targetModel : undefined,
    );
    const matched =
      kv.redis !== null
        ? await kv.redis.matched(
            eps.map((e) => e.id),
            hashes,
          )
        : eps.map((e) => kv.index.matched(e.id, hashes));
    return {
      source: "kv-cache-aware",
      promptTokens: tokens.length,
      uncached: eps.map((_, i) => uncachedTokens(tokens.length, matched[i] ?? 0, blockSize)),
    };
  }
  const chars = req.promptText().length;
  const pc = profile.scorers.find((s) => s.plugin instanceof PrefixCacheScorer)?.plugin;
  if (pc instanceof PrefixCacheScorer) {
    const { blockSize, maxBlocks, charsPerToken } = pc;
    const blocks = Math.min(maxBlocks, Math.floor(chars / blockSize));
    const out = new Float64Array(eps.length);
    pc.score(new Cycle("pd-decider", now), req, eps, out);
    return {
      source: "prefix-cache",
      promptTokens: Math.ceil(chars / charsPerToken),
      uncached: Array.from(out, (f) =>
        Math.ceil((chars - Math.round(f * blocks) * blockSize) / charsPerToken),
      ),
    };
  }
  const promptTokens = Math.ceil(chars / CHARS_PER_TOKEN);
  return { source: "none", promptTokens, uncached: eps.map(() => promptTokens) };
}
