// Workloads: seeded lists of requests whose prompt tokens and text are computed on demand (a full
// Kthena run holds 8,192 prompts of 4,352 tokens; materialising all texts would take ~140 MB).
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import { randomWords, wordText, wordTokens } from "./text.ts";

export interface BenchRequest {
  readonly index: number;
  /** Shared-prefix group (or session) the request belongs to. */
  readonly group: number;
  readonly promptLen: number;
  readonly outputLen: number;
  /** Seconds after the start of the run at which the request arrives (open loop). */
  arrival: number;
  promptTokens(): number[];
  promptText(): string;
}

export interface GspOptions {
  groups: number;
  promptsPerGroup: number;
  systemPromptLen: number;
  questionLen: number;
  outputLen: number;
  seed: number;
}

/**
 * SGLang `bench_serving --dataset-name generated-shared-prefix`: one random system prompt per group,
 * one random question per prompt, prompt = system prompt + question, fixed output length, all
 * prompts shuffled across groups. (SGLang joins the two with "\n\n"; we concatenate directly so the
 * prompt is exactly system + question tokens.)
 */
export function generatedSharedPrefix(o: GspOptions): BenchRequest[] {
  const sys = Array.from({ length: o.groups }, (_, g) =>
    randomWords(o.systemPromptLen, hashSeed(o.seed, 1, g)),
  );
  const out: BenchRequest[] = [];
  for (let g = 0; g < o.groups; g++) {
    for (let i = 0; i < o.promptsPerGroup; i++) {
      const qSeed = hashSeed(o.seed, 2, g * 1_000_003 + i);
      const s = sys[g] as Uint16Array;
      const q = () => randomWords(o.questionLen, qSeed);
      out.push({
        index: 0,
        group: g,
        promptLen: o.systemPromptLen + o.questionLen,
        outputLen: o.outputLen,
        arrival: 0,
        promptTokens: () => wordTokens(s, q()),
        promptText: () => wordText(s, q()),
      });
    }
  }
  shuffle(out, mulberry32(hashSeed(o.seed, 3, 0)));
  out.forEach((r, i) => ((r as { index: number }).index = i));
  return out;
}

export interface PrefixPoolOptions {
  groups: number;
  usersPerGroup: number;
  systemPromptLen: number;
  questionLen: number;
  outputLen: number;
  seed: number;
}

/** The fixed prompt pool of inference-perf's `shared_prefix` data (llm-d's B2B scenario). */
export interface PromptPool {
  readonly size: number;
  /** A request for prompt `p` of the pool. */
  request(p: number, index: number, arrival: number): BenchRequest;
}

export function prefixPool(o: PrefixPoolOptions): PromptPool {
  const sys = Array.from({ length: o.groups }, (_, g) =>
    randomWords(o.systemPromptLen, hashSeed(o.seed, 11, g)),
  );
  const qs = Array.from({ length: o.groups * o.usersPerGroup }, (_, u) =>
    randomWords(o.questionLen, hashSeed(o.seed, 12, u)),
  );
  return {
    size: qs.length,
    request(p, index, arrival) {
      const g = Math.floor(p / o.usersPerGroup);
      const s = sys[g] as Uint16Array;
      const q = qs[p] as Uint16Array;
      return {
        index,
        group: g,
        promptLen: o.systemPromptLen + o.questionLen,
        outputLen: o.outputLen,
        arrival,
        promptTokens: () => wordTokens(s, q),
        promptText: () => wordText(s, q),
      };
    },
  };
}

export interface LadderStage {
  rate: number;
  durationS: number;
}

/**
 * Poisson arrivals over a ladder of rate stages (inference-perf `load.type: poisson` with
 * `stages`), each request drawing a uniformly random prompt of the pool. Returns requests with
 * their arrival times and the stage index of each.
 */
export function poissonLadder(
  pool: PromptPool,
  stages: readonly LadderStage[],
  seed: number,
): { requests: BenchRequest[]; stageOf: number[]; stageStart: number[] } {
  const rnd = mulberry32(hashSeed(seed, 21, 0));
  const requests: BenchRequest[] = [];
  const stageOf: number[] = [];
  const stageStart: number[] = [];
  let t0 = 0;
  stages.forEach((st, s) => {
    stageStart.push(t0);
    let t = t0;
    for (;;) {
      t += -Math.log(1 - rnd()) / st.rate;
      if (t >= t0 + st.durationS) break;
      requests.push(pool.request(Math.floor(rnd() * pool.size), requests.length, t));
      stageOf.push(s);
    }
    t0 += st.durationS;
  });
  return { requests, stageOf, stageStart };
}

/** Poisson arrival times at `rate` per second (rate Infinity ⇒ all at 0), as bench_serving does. */
export function poissonArrivals(requests: BenchRequest[], rate: number, seed: number): void {
  const rnd = mulberry32(hashSeed(seed, 31, 0));
  let t = 0;
  for (const r of requests) {
    r.arrival = t;
    if (Number.isFinite(rate)) t += -Math.log(1 - rnd()) / rate;
  }
}

export function shuffle<T>(a: T[], rnd: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
}

/** Mixes a base seed with a stream id and an index into an independent 32-bit seed. */
export function hashSeed(seed: number, stream: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) ^ Math.imul(i + 1, 0x846ca68b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 16)) >>> 0;
}
