// The scheduler as a step function. `plan(now)` decides the next step from the current state (which
// requests run, how many tokens each, who is preempted) and prices it with the cost model; `commit(plan)`
// applies its effects when the step ends. Both clocks call exactly this pair, so virtual time and wall
// time produce the same step sequence for the same inputs and seed.
//
// Policy (vLLM v1, simplified): running requests first, in order (decodes and unfinished chunked
// prefills), each taking what it needs from the token budget; if blocks run out, preempt the most
// recently admitted running request (recompute: its blocks are freed, it goes back to the head of the
// waiting queue). Then, if nothing was preempted, admit waiting requests FCFS while there is budget,
// room under max_num_seqs and free blocks above the watermark.

import { jitterFactor, stepCostSeconds } from "./cost-model.ts";
import type { StepShape } from "./cost-model.ts";
import { KvCache } from "./kv-cache.ts";
import type { EngineParams } from "./presets.ts";
import type { EngineRequest } from "./request.ts";

export interface ScheduledItem {
  req: EngineRequest;
  numNewTokens: number;
  /** True when this item is one decode token (the request had computed all its known tokens but one). */
  decode: boolean;
}

export interface StepPlan extends StepShape {
  index: number;
  start: number;
  duration: number;
  items: ScheduledItem[];
  preempted: EngineRequest[];
}

export interface StepCounters {
  prefixQueries: number;
  prefixHits: number;
  preemptions: number;
}

export class Scheduler {
  readonly kv: KvCache;
  readonly waiting: EngineRequest[] = [];
  readonly running: EngineRequest[] = [];
  readonly counters: StepCounters = { prefixQueries: 0, prefixHits: 0, preemptions: 0 };
  private stepIndex = 0;
  private readonly reserve: number;

  readonly params: EngineParams;
  private readonly rnd: () => number;

  constructor(params: EngineParams, rnd: () => number) {
    this.params = params;
    this.rnd = rnd;
    this.kv = new KvCache(params.numBlocks, params.blockSize);
    this.reserve = Math.floor(params.watermark * params.numBlocks);
  }

  get hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0;
  }

  enqueue(req: EngineRequest): void {
    req.status = "waiting";
    this.waiting.push(req);
  }

  /** Removes a request wherever it is and frees its blocks. */
  remove(req: EngineRequest): void {
    const w = this.waiting.indexOf(req);
    if (w >= 0) this.waiting.splice(w, 1);
    const r = this.running.indexOf(req);
    if (r >= 0) this.running.splice(r, 1);
    this.kv.free(req);
  }

  private preempt(req: EngineRequest): void {
    this.kv.free(req);
    req.numComputed = 0;
    req.remoteTokens = 0;
    req.status = "waiting";
    req.numPreemptions++;
    this.counters.preemptions++;
    this.waiting.unshift(req);
  }

  /** Decides the next step. Returns undefined when there is nothing to run. */
  plan(now: number): StepPlan | undefined {
    const p = this.params;
    let budget = p.maxNumBatchedTokens;
    const items: ScheduledItem[] = [];
    const preempted: EngineRequest[] = [];

    // 1. Running requests, in admission order.
    for (let i = 0; i < this.running.length && budget > 0;) {
      const req = this.running[i];
      if (req === undefined) break;
      let n = Math.min(req.numTokens - req.numComputed, budget);
      if (n <= 0) {
        i++;
        continue;
      }
      if (!p.enableChunkedPrefill && n < req.numTokens - req.numComputed) break;
      let ok = req.blocks.length * p.blockSize >= req.numComputed + n; // fast path: room already
      while (!ok) {
        if (this.kv.allocate(req, req.numComputed + n)) {
          ok = true;
          break;
        }
        // Victims come from the tail; requests already scheduled this step are at the head.
        const victim = this.running.pop();
        if (victim === undefined) break;
        this.preempt(victim);
        preempted.push(victim);
        if (victim === req) break;
      }
      if (!ok) break;
      n = Math.min(n, req.numTokens - req.numComputed);
      items.push({
        req,
        numNewTokens: n,
        decode: req.numComputed === req.numTokens - 1 && n === 1,
      });
      budget -= n;
      i++;
    }

    // 2. Waiting requests, FCFS, unless this step had to preempt.
    let transferTokens = 0;
    let transferRequests = 0;
    if (preempted.length === 0) {
      for (
        let w = 0;
        w < this.waiting.length && budget > 0 && this.running.length < p.maxNumSeqs;
      ) {
        const req = this.waiting[w];
        if (req === undefined) break;
        const total = req.numTokens;
        let hits: number[] = [];
        if (req.numComputed === 0 && p.enablePrefixCaching)
          hits = this.kv.findCachedPrefix(req, total);
        const cached = hits.length * p.blockSize;
        // Remote KV (P/D decode side): everything but the last prompt token arrives by transfer.
        const remote =
          req.remoteTokens > 0 ? Math.max(0, Math.min(req.remoteTokens, total - 1) - cached) : 0;
        const computedBefore = cached + remote;
        let n = total - computedBefore;
        if (n > budget) {
          if (!p.enableChunkedPrefill) break;
          n = budget;
        }
        if (!this.kv.allocate(req, computedBefore + n, hits, this.reserve)) break;
        this.waiting.splice(w, 1);
        if (req.numPreemptions === 0 || req.timings.firstScheduled === undefined) {
          this.counters.prefixQueries += total;
          this.counters.prefixHits += cached;
          req.cachedTokens = cached;
        }
        req.numComputed = computedBefore;
        req.remoteTokens = remote;
        req.numHashedBlocks = hits.length;
        if (remote > 0) {
          transferTokens += remote;
          transferRequests++;
        }
        req.status = "running";
        if (req.timings.firstScheduled === undefined) {
          if (req.timings.arrival > now) req.timings.arrival = now;
          req.timings.firstScheduled = now;
        }
        this.running.push(req);
        items.push({ req, numNewTokens: n, decode: false });
        budget -= n;
      }
    }

    if (items.length === 0) {
      if (preempted.length > 0) throw new Error("step preempted requests but scheduled none");
      return undefined;
    }
    let prefillTokens = 0;
    let decodeSeqs = 0;
    let contextTokens = 0;
    for (const it of items) {
      if (it.decode) {
        decodeSeqs++;
        contextTokens += it.req.numComputed + 1;
      } else prefillTokens += it.numNewTokens;
    }
    const shape: StepShape = {
      prefillTokens,
      decodeSeqs,
      contextTokens,
      transferTokens,
      transferRequests,
    };
    const duration = stepCostSeconds(p, shape) * jitterFactor(p, this.rnd);
    return { ...shape, index: this.stepIndex++, start: now, duration, items, preempted };
  }

  /**
   * Applies a finished step: advances computed tokens, registers full blocks in the prefix cache and
   * returns the requests that have all their known tokens computed (each samples one token).
   */
  commit(plan: StepPlan): EngineRequest[] {
    const sampled: EngineRequest[] = [];
    for (const it of plan.items) {
      const req = it.req;
      if (req.status !== "running") continue; // aborted during the step
      req.numComputed += it.numNewTokens;
      if (
        this.params.enablePrefixCaching &&
        Math.floor(req.numComputed / this.params.blockSize) > req.numHashedBlocks
      )
        this.kv.cacheFullBlocks(req);
      if (req.numComputed >= req.numTokens) sampled.push(req);
    }
    return sampled;
  }

  /** Takes a finished request out of the running set and frees its blocks (they stay cached). */
  finish(req: EngineRequest): void {
    const r = this.running.indexOf(req);
    if (r >= 0) this.running.splice(r, 1);
    this.kv.free(req);
  }
}
