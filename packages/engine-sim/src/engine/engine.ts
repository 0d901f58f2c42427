// One simulated engine replica: the scheduler driven by a clock, plus request bookkeeping, counters,
// KV events and listeners. Works identically on a VirtualClock (discrete-event simulation) and on a
// WallClock (HTTP server).

import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import type { Clock } from "../clock/event-queue.ts";
import type { KvEvent } from "./kv-cache.ts";
import { outputSampler } from "./output.ts";
import { resolveParams } from "./presets.ts";
import type { EngineParams } from "./presets.ts";
import { EngineRequest } from "./request.ts";
import type { FinishReason } from "./request.ts";
import { Scheduler } from "./scheduler.ts";
import type { StepPlan } from "./scheduler.ts";

export interface SubmitOptions {
  id?: string;
  promptTokens: readonly number[];
  /** Exact number of tokens to generate (as with ignore_eos); omitted ⇒ a seeded "natural" length. */
  maxTokens?: number | undefined;
  lora?: string | undefined;
  /** P/D decode side: prompt tokens whose KV arrives from a prefill instance (charged as transfer). */
  remoteTokens?: number | undefined;
  /** Keep the request out of the scheduler until `release()` (SGLang bootstrap rendezvous). */
  hold?: boolean | undefined;
  /** Called for every generated token; `last` is true for the final one (the request finishes next). */
  onToken?: ((tokenId: number, time: number, index: number, last: boolean) => void) | undefined;
  onFinish?: ((result: RequestResult) => void) | undefined;
}

export interface RequestResult {
  id: string;
  seq: number;
  lora: string | undefined;
  promptTokens: number;
  cachedTokens: number;
  remoteTokens: number;
  outputTokens: number[];
  /** Tokens the request was to generate (its max_tokens, or the drawn natural length). */
  maxTokens: number;
  finishReason: FinishReason;
  numPreemptions: number;
  /** Block ids the request held when it finished (what a NIXL prefill instance hands over). */
  blockIds: number[];
  /** Simulated seconds. */
  arrival: number;
  firstScheduled: number | undefined;
  firstToken: number | undefined;
  finished: number;
  ttft: number | undefined;
  e2e: number;
  queueTime: number | undefined;
  /** Gaps between consecutive output tokens. */
  itl: number[];
  /** Simulated time of each output token. */
  tokenTimes: number[];
}

export interface EngineSnapshot {
  running: number;
  waiting: number;
  kvUsage: number;
  numBlocks: number;
  freeBlocks: number;
  blockSize: number;
  cachedBlocks: number;
  prefixQueries: number;
  prefixHits: number;
  preemptions: number;
  promptTokens: number;
  generationTokens: number;
  steps: number;
  finished: number;
  runningLoras: string[];
  waitingLoras: string[];
}

export interface KvEventBatch {
  /** Simulated seconds at which the step that produced the events ended. */
  ts: number;
  events: KvEvent[];
}

export interface EngineOptions {
  clock: Clock;
  preset?: string;
  params?: Partial<EngineParams>;
  seed?: number;
  /** Identifies this replica in KV events and P/D metadata. */
  engineId?: string;
  kvEvents?: boolean;
}

type Listener<T> = (v: T) => void;

interface Live {
  req: EngineRequest;
  target: number;
  natural: boolean;
  next: () => number;
  opts: SubmitOptions;
}

export class Engine {
  readonly params: EngineParams;
  readonly clock: Clock;
  readonly seed: number;
  readonly engineId: string;
  private readonly sched: Scheduler;
  private readonly live = new Map<string, Live>();
  private readonly held = new Map<string, Live>();
  private nextSeq = 0;
  private busy = false;
  private stopped = false;
  private promptTokens = 0;
  private generationTokens = 0;
  private steps = 0;
  private finishedCount = 0;
  private readonly rnd: () => number;
  private readonly stepListeners = new Set<Listener<StepPlan>>();
  private readonly finishListeners = new Set<Listener<RequestResult>>();
  private readonly kvListeners = new Set<Listener<KvEventBatch>>();
  private readonly loraIds = new Map<string, number>();

  constructor(opts: EngineOptions) {
    this.params = resolveParams(opts.preset, opts.params);
    this.clock = opts.clock;
    this.seed = opts.seed ?? 0;
    this.engineId = opts.engineId ?? `engine-${this.seed}`;
    this.rnd = mulberry32(this.seed ^ 0x5bd1e995);
    this.sched = new Scheduler(this.params, this.rnd);
    this.sched.kv.recordEvents = opts.kvEvents ?? false;
    this.sched.kv.loraIds = this.loraIds;
  }

  /** Assigns the numeric id KV events carry for a LoRA adapter (vLLM's lora_int_id). */
  registerLora(name: string, id: number): void {
    this.loraIds.set(name, id);
  }

  get kvEventsEnabled(): boolean {
    return this.sched.kv.recordEvents;
  }

  set kvEventsEnabled(on: boolean) {
    this.sched.kv.recordEvents = on;
  }

  /** Longest context a request may have (prompt + output). */
  get maxModelLen(): number {
    return this.params.maxModelLen;
  }

  /** Adds a request. Throws if it cannot fit the context length. */
  submit(opts: SubmitOptions): EngineRequest {
    if (this.stopped) throw new Error("engine stopped");
    const seq = this.nextSeq++;
    const id = opts.id ?? `req-${seq}`;
    const n = opts.promptTokens.length;
    if (n === 0) throw new Error("empty prompt");
    const room = this.params.maxModelLen - n;
    if (opts.maxTokens !== undefined && opts.maxTokens > room)
      throw new Error(`context too long: ${n} + ${opts.maxTokens} > ${this.params.maxModelLen}`);
    if (room < 1) throw new Error(`context too long: ${n} >= ${this.params.maxModelLen}`);
    const now = this.clock.now();
    const natural = opts.maxTokens === undefined;
    let target = opts.maxTokens ?? 0;
    if (natural) {
      const [lo, hi] = this.params.defaultOutputTokens;
      target = Math.min(
        room,
        lo + Math.floor(mulberry32(this.seed + seq * 7919)() * (hi - lo + 1)),
      );
    }
    // A request that cannot fit in the whole KV cache would wait forever (vLLM refuses to start when
    // max_model_len exceeds the KV capacity; the simulator lets presets be overridden, so it checks here).
    const p = this.params;
    const capacity = (p.numBlocks - Math.floor(p.watermark * p.numBlocks)) * p.blockSize;
    if (natural) target = Math.min(target, capacity - n);
    target = Math.max(1, target);
    if (n + target > capacity)
      throw new Error(
        `context too long: ${n} + ${target} tokens exceed the KV cache (${capacity} tokens)`,
      );
    const req = new EngineRequest({
      id,
      seq,
      promptTokens: opts.promptTokens,
      maxTokens: target,
      lora: opts.lora,
      arrival: now,
    });
    req.remoteTokens = opts.remoteTokens ?? 0;
    const live: Live = { req, target, natural, next: outputSampler(this.seed, seq), opts };
    if (opts.hold) {
      req.status = "held";
      this.held.set(id, live);
      return req;
    }
    this.live.set(id, live);
    const overhead = this.params.requestOverheadMs / 1000;
    if (overhead > 0) this.clock.setTimer(now + overhead, () => this.admit(live));
    else this.admit(live);
    return req;
  }

  /** Lets a held request into the scheduler, with `remoteTokens` of prompt KV received by transfer. */
  release(id: string, remoteTokens = 0): boolean {
    const live = this.held.get(id);
    if (!live) return false;
    this.held.delete(id);
    this.live.set(id, live);
    live.req.remoteTokens = remoteTokens;
    this.admit(live);
    return true;
  }

  private admit(live: Live): void {
    if (live.req.status === "finished" || this.stopped) return;
    this.sched.enqueue(live.req);
    this.kick();
  }

  /** Cancels a request (client went away): frees its blocks at once. */
  abort(id: string, reason: FinishReason = "abort"): boolean {
    const live = this.live.get(id) ?? this.held.get(id);
    if (!live || live.req.status === "finished") return false;
    this.held.delete(id);
    this.sched.remove(live.req);
    this.finish(live, reason, this.clock.now());
    return true;
  }

  /** Drops all cached prefix blocks (vLLM POST /reset_prefix_cache). False while requests hold blocks. */
  resetPrefixCache(): boolean {
    const ok = this.sched.kv.reset();
    if (ok) this.flushKvEvents(this.clock.now());
    return ok;
  }

  /** Stops the engine: aborts everything and ignores pending steps. */
  stop(): void {
    for (const id of [...this.live.keys(), ...this.held.keys()]) this.abort(id);
    this.stopped = true;
  }

  onStep(l: Listener<StepPlan>): () => void {
    this.stepListeners.add(l);
    return () => this.stepListeners.delete(l);
  }

  onRequestFinished(l: Listener<RequestResult>): () => void {
    this.finishListeners.add(l);
    return () => this.finishListeners.delete(l);
  }

  /** In-process KV-event subscription (vLLM KVEventBatch shape; see docs/engine-sim.md). */
  onKvEvents(l: Listener<KvEventBatch>): () => void {
    this.kvListeners.add(l);
    return () => this.kvListeners.delete(l);
  }

  /** Whether `hash` is resident in this engine's prefix cache. */
  hasBlock(hash: string): boolean {
    return this.sched.kv.has(hash);
  }

  cachedBlockHashes(): string[] {
    return this.sched.kv.cachedHashes();
  }

  snapshot(): EngineSnapshot {
    const kv = this.sched.kv;
    const loras = (reqs: Iterable<EngineRequest>) => {
      const s = new Set<string>();
      for (const r of reqs) if (r.lora) s.add(r.lora);
      return [...s].sort();
    };
    const heldReqs = [...this.held.values()].map((l) => l.req);
    return {
      running: this.sched.running.length,
      waiting: this.sched.waiting.length + this.held.size,
      kvUsage: kv.usage,
      numBlocks: kv.numBlocks,
      freeBlocks: kv.numFree,
      blockSize: kv.blockSize,
      cachedBlocks: kv.numCachedBlocks,
      prefixQueries: this.sched.counters.prefixQueries,
      prefixHits: this.sched.counters.prefixHits,
      preemptions: this.sched.counters.preemptions,
      promptTokens: this.promptTokens,
      generationTokens: this.generationTokens,
      steps: this.steps,
      finished: this.finishedCount,
      runningLoras: loras(this.sched.running),
      waitingLoras: loras([...this.sched.waiting, ...heldReqs]),
    };
  }

  private kick(): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    this.clock.setTimer(this.clock.now(), () => this.runStep());
  }

  private runStep(): void {
    if (this.stopped) {
      this.busy = false;
      return;
    }
    const now = this.clock.now();
    const plan = this.sched.plan(now);
    if (!plan) {
      this.busy = false;
      this.flushKvEvents(now);
      return;
    }
    const end = now + plan.duration;
    this.clock.setTimer(end, () => {
      if (this.stopped) {
        this.busy = false;
        return;
      }
      this.completeStep(plan, end);
      this.runStep();
    });
  }

  private completeStep(plan: StepPlan, end: number): void {
    this.steps++;
    const sampled = this.sched.commit(plan);
    for (const req of sampled) {
      const live = this.live.get(req.id);
      if (!live) continue;
      const tok = live.next();
      const index = req.outputTokens.length;
      req.outputTokens.push(tok);
      req.tokenTimes.push(end);
      this.generationTokens++;
      if (index === 0) {
        req.timings.firstToken = end;
        this.promptTokens += req.numPromptTokens;
      }
      req.timings.lastToken = end;
      live.opts.onToken?.(tok, end, index, req.outputTokens.length >= live.target);
      if (req.outputTokens.length >= live.target && req.status === "running") {
        const blockIds = [...req.blocks];
        this.sched.finish(req);
        this.finish(live, live.natural ? "stop" : "length", end, blockIds);
      }
    }
    this.flushKvEvents(end);
    for (const l of this.stepListeners) l(plan);
  }

  private finish(live: Live, reason: FinishReason, now: number, blockIds: number[] = []): void {
    const req = live.req;
    req.status = "finished";
    req.finishReason = reason;
    req.timings.finished = now;
    this.live.delete(req.id);
    this.held.delete(req.id);
    if (reason !== "abort") this.finishedCount++;
    const t = req.timings;
    const itl: number[] = [];
    for (let i = 1; i < req.tokenTimes.length; i++)
      itl.push((req.tokenTimes[i] ?? 0) - (req.tokenTimes[i - 1] ?? 0));
    const result: RequestResult = {
      id: req.id,
      seq: req.seq,
      lora: req.lora,
      promptTokens: req.numPromptTokens,
      cachedTokens: req.cachedTokens,
      remoteTokens: req.remoteTokens,
      outputTokens: [...req.outputTokens],
      maxTokens: live.target,
      finishReason: reason,
      numPreemptions: req.numPreemptions,
      blockIds,
      arrival: t.arrival,
      firstScheduled: t.firstScheduled,
      firstToken: t.firstToken,
      finished: now,
      ttft: t.firstToken !== undefined ? t.firstToken - t.arrival : undefined,
      e2e: now - t.arrival,
      queueTime: t.firstScheduled !== undefined ? t.firstScheduled - t.arrival : undefined,
      itl,
      tokenTimes: [...req.tokenTimes],
    };
    live.opts.onFinish?.(result);
    for (const l of this.finishListeners) l(result);
  }

  private flushKvEvents(ts: number): void {
    const events = this.sched.kv.drainEvents();
    if (events.length === 0) return;
    const batch: KvEventBatch = { ts, events };
    for (const l of this.kvListeners) l(batch);
  }
}
