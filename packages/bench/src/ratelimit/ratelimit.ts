// B5 (performance.md §5.3, §7): token rate-limit accuracy of the router's reserve-then-settle
// sliding-window limiter, with 1, 2 and 4 router processes (the router's real quota code in child
// processes, see worker.ts) sharing one redis-server, on a fake clock (the clock is an argument of
// the Lua script, so a 10-minute trace replays in seconds). Trace: heavy-tailed sizes, offered load
// 0.5× to 5× of a total-tokens-per-minute limit, window-edge bursts, 5% client aborts mid-stream;
// streams are charged incrementally every 64 output tokens and settled at the end. A fixed-window
// limiter (AIBrix/LiteLLM style) runs on the same traces to show the boundary overshoot the
// benchmark must be able to detect.
//
// Metrics: worst overshoot over all sliding windows of admitted tokens (in requests of the largest
// request, per replica), long-run admitted-rate error at 2× and 5×, false 429s at 0.8×, reservations
// left in Redis after drain (leaks), and the check latency (p50/p99 of one Lua check on loopback).
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { RedisStore } from "@tessera/router/tenancy/quota/redis-store";
import { startRedis } from "../http/redis.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { log, outputDir, resultLine, updateSummary } from "../benchmarks/common.ts";
import { ITL_MS, TTFT_MS, makeTrace } from "./trace.ts";
import type { TraceReq } from "./trace.ts";
import type { WorkerMsg, WorkerReply } from "./worker.ts";

const WINDOW_MS = 60_000;
const LIMIT = 200_000; // total tokens per minute
const OUT_RESERVE = 768; // the router's default output reservation cap (TENANCY_OUTPUT_RESERVE)
const PROGRESS_EVERY = 64; // output tokens between incremental settles
const SLICE_MS = 50; // events within one slice race each other across replicas

interface Admitted {
  t: number;
  tokens: number;
}

interface RunResult {
  limiter: string;
  replicas: number;
  load: number;
  edge: boolean;
  requests: number;
  admitted: Admitted[];
  denied: { t: number; cost: number }[];
  maxReq: number;
  leakedReservations: number;
  leakedTokens: number;
}

// ---------------------------------------------------------------- infrastructure

type WithoutSeq<T> = T extends unknown ? Omit<T, "seq"> : never;

class Replica {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (r: WorkerReply) => void>();
  #seq = 0;
  readonly ready: Promise<void>;

  constructor(url: string) {
    this.#child = fork(join(import.meta.dirname, "worker.ts"), [url], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((resolve) => this.#waiting.set(-1, () => resolve()));
    this.#child.on("message", (r: WorkerReply) => {
      const w = this.#waiting.get(r.seq);
      this.#waiting.delete(r.seq);
      w?.(r);
    });
  }

  call(m: WithoutSeq<WorkerMsg>): Promise<WorkerReply> {
    const seq = this.#seq++;
    return new Promise((resolve) => {
      this.#waiting.set(seq, resolve);
      this.#child.send({ ...m, seq });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.#child.once("exit", r));
    await this.call({ op: "exit" });
    await exited;
  }
}

// ---------------------------------------------------------------- simulation

type Ev =
  | { t: number; kind: "arrive"; q: TraceReq }
  | { t: number; kind: "progress"; q: TraceReq; output: number }
  | { t: number; kind: "end"; q: TraceReq; output: number };

class Heap {
  readonly a: Ev[] = [];
  push(e: Ev): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((a[p] as Ev).t <= e.t) break;
      a[i] = a[p] as Ev;
      i = p;
    }
    a[i] = e;
  }
  pop(): Ev | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && (a[l] as Ev).t < (m === i ? last.t : (a[m] as Ev).t)) m = l;
        if (r < a.length && (a[r] as Ev).t < (m === i ? last.t : (a[m] as Ev).t)) m = r;
        if (m === i) break;
        a[i] = a[m] as Ev;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
  peek(): Ev | undefined {
    return this.a[0];
  }
}

interface Limiter {
  reserve(q: TraceReq, now: number, replica: number): Promise<boolean>;
  progress(q: TraceReq, output: number): Promise<void>;
  end(q: TraceReq, output: number): Promise<void>;
}

const reserveOut = (q: TraceReq) => Math.min(q.maxTokens, OUT_RESERVE);
const produced = (q: TraceReq) => (q.abortAt >= 0 ? q.abortAt : q.output);

async function simulate(trace: TraceReq[], lim: Limiter, replicas: number) {
  const heap = new Heap();
  for (const q of trace) heap.push({ t: q.t, kind: "arrive", q });
  const admitted: Admitted[] = [];
  const denied: { t: number; cost: number }[] = [];
  let rr = 0;
  while (heap.peek() !== undefined) {
    const sliceEnd = (Math.floor((heap.peek() as Ev).t / SLICE_MS) + 1) * SLICE_MS;
    const settles: Promise<void>[] = [];
    const arrivals: TraceReq[] = [];
    while (heap.peek() !== undefined && (heap.peek() as Ev).t < sliceEnd) {
      const e = heap.pop() as Ev;
      if (e.kind === "arrive") arrivals.push(e.q);
      else if (e.kind === "progress") settles.push(lim.progress(e.q, e.output));
      else settles.push(lim.end(e.q, e.output));
    }
    await Promise.all(settles);
    const results = await Promise.all(arrivals.map((q) => lim.reserve(q, q.t, rr++ % replicas)));
    arrivals.forEach((q, i) => {
      if (!results[i]) {
        denied.push({ t: q.t, cost: q.input + reserveOut(q) });
        return;
      }
      const out = produced(q);
      admitted.push({ t: q.t, tokens: q.input + out });
      const t1 = q.t + TTFT_MS;
      for (let k = PROGRESS_EVERY; k < out; k += PROGRESS_EVERY)
        heap.push({ t: t1 + k * ITL_MS, kind: "progress", q, output: k });
      heap.push({ t: t1 + out * ITL_MS, kind: "end", q, output: out });
    });
  }
  return { admitted, denied };
}

class RedisLimiter implements Limiter {
  readonly #reps: Replica[];
  readonly #tenant: string;
  readonly #where = new Map<string, Replica>();
  constructor(reps: Replica[], tenant: string) {
    this.#reps = reps;
    this.#tenant = tenant;
  }
  async reserve(q: TraceReq, now: number, replica: number): Promise<boolean> {
    const rep = this.#reps[replica] as Replica;
    const r = await rep.call({
      op: "reserve",
      id: q.id,
      now,
      tenant: this.#tenant,
      limit: LIMIT,
      input: q.input,
      out: reserveOut(q),
    });
    if (r.ok === true) this.#where.set(q.id, rep);
    return r.ok === true;
  }
  async progress(q: TraceReq, output: number): Promise<void> {
    await this.#where.get(q.id)?.call({ op: "progress", id: q.id, input: q.input, output });
  }
  async end(q: TraceReq, output: number): Promise<void> {
    const rep = this.#where.get(q.id);
    this.#where.delete(q.id);
    await rep?.call({ op: "end", id: q.id, input: q.input, output });
  }
}

/** AIBrix/LiteLLM-style fixed window on the same reserve-settle accounting (in process). */
class FixedWindowLimiter implements Limiter {
  readonly #count = new Map<number, number>();
  readonly #held = new Map<string, { w: number; charged: number }>();
  reserve(q: TraceReq, now: number): Promise<boolean> {
    const w = Math.floor(now / WINDOW_MS);
    const cost = q.input + reserveOut(q);
    const c = this.#count.get(w) ?? 0;
    if (c + cost > LIMIT) return Promise.resolve(false);
    this.#count.set(w, c + cost);
    this.#held.set(q.id, { w, charged: cost });
    return Promise.resolve(true);
  }
  #to(q: TraceReq, total: number, final: boolean): void {
    const h = this.#held.get(q.id);
    if (h === undefined) return;
    const target = final ? total : Math.max(total, h.charged);
    this.#count.set(h.w, (this.#count.get(h.w) ?? 0) + target - h.charged);
    h.charged = target;
    if (final) this.#held.delete(q.id);
  }
  progress(q: TraceReq, output: number): Promise<void> {
    this.#to(q, q.input + output, false);
    return Promise.resolve();
  }
  end(q: TraceReq, output: number): Promise<void> {
    this.#to(q, q.input + output, true);
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------- metrics

/** Largest sum of admitted tokens in any window [t, t + W). */
function maxWindow(adm: readonly Admitted[]): number {
  let best = 0;
  let sum = 0;
  let j = 0;
  for (let i = 0; i < adm.length; i++) {
    while (j < adm.length && (adm[j] as Admitted).t < (adm[i] as Admitted).t + WINDOW_MS) {
      sum += (adm[j] as Admitted).tokens;
      j++;
    }
    best = Math.max(best, sum);
    sum -= (adm[i] as Admitted).tokens;
  }
  return best;
}

function longRunError(adm: readonly Admitted[], durationMs: number): number {
  let s = 0;
  for (const a of adm) if (a.t >= WINDOW_MS) s += a.tokens;
  const allowed = (LIMIT * (durationMs - WINDOW_MS)) / WINDOW_MS;
  return ((s - allowed) / allowed) * 100;
}

/** A 429 is false when the tokens admitted in the trailing window plus this request fit. */
function falseDenials(adm: readonly Admitted[], denied: readonly { t: number; cost: number }[]) {
  let n = 0;
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (const d of denied) {
    while (hi < adm.length && (adm[hi] as Admitted).t <= d.t) sum += (adm[hi++] as Admitted).tokens;
    while (lo < hi && (adm[lo] as Admitted).t <= d.t - WINDOW_MS)
      sum -= (adm[lo++] as Admitted).tokens;
    if (sum + d.cost <= LIMIT) n++;
  }
  return n;
}

function pctl(v: number[], p: number): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

// ---------------------------------------------------------------- benchmark

export async function ratelimitBenchmark(opts: {
  scale: number;
  seed: number;
  out?: string | undefined;
}): Promise<string> {
  const windows = Math.max(3, Math.round(10 * opts.scale));
  const durationMs = windows * WINDOW_MS;
  const loads = [0.5, 0.8, 1, 2, 5];
  const redis = await startRedis();
  const adminStore = new RedisStore(redis.url);
  await adminStore.ready();
  const admin = adminStore.client;
  const rows: Row[] = [];
  const runs: RunResult[] = [];
  const latencies: number[] = [];
  const checkLat: number[] = [];
  try {
    for (const replicas of [1, 2, 4]) {
      const reps = Array.from({ length: replicas }, () => new Replica(redis.url));
      await Promise.all(reps.map((r) => r.ready));
      for (const load of loads) {
        for (const edge of load === 0.5 ? [false, true] : [false]) {
          const trace = makeTrace({
            seed: opts.seed + load * 100,
            load,
            limit: LIMIT,
            windowMs: WINDOW_MS,
            durationMs,
            edgeBursts: edge,
          });
          const tenant = `bench-${replicas}-${load}-${edge ? "edge" : "poisson"}`;
          const t0 = Date.now();
          const sim = await simulate(trace, new RedisLimiter(reps, tenant), replicas);
          for (const r of reps)
            latencies.push(...((await r.call({ op: "stats" })).latenciesUs ?? []));
          // Leak check after drain: every admitted request has ended (or aborted), so the window
          // must hold exactly the charged tokens of live buckets and no concurrency lease remains.
          const base = `tessera:q:{${tenant}:*}`;
          const leases = await admin.zcard(`${base}:conc`);
          const h = await admin.hgetall(`${base}:total:m`);
          const g = WINDOW_MS / 120;
          const tail = Number(h.t ?? 0);
          let inStore = 0;
          for (const [f, v] of Object.entries(h)) if (f !== "s" && f !== "t") inStore += Number(v);
          const expected = sim.admitted
            .filter((a) => Math.floor(a.t / g) >= tail)
            .reduce((s, a) => s + a.tokens, 0);
          const sumField = Number(h.s ?? 0);
          const run: RunResult = {
            limiter: "sliding (redis)",
            replicas,
            load,
            edge,
            requests: trace.length,
            ...sim,
            maxReq: Math.max(...trace.map((q) => q.input + q.output)),
            leakedReservations: leases,
            leakedTokens: Math.abs(inStore - expected) + Math.abs(sumField - inStore),
          };
          runs.push(run);
          log(
            `ratelimit: replicas=${replicas} load=${load}${edge ? " edge" : ""} ${trace.length} req in ${Date.now() - t0} ms`,
          );
        }
      }
      if (replicas === 1)
        checkLat.push(
          ...((await (reps[0] as Replica).call({ op: "latency", n: 5_000, tenant: "lat" }))
            .latenciesUs ?? []),
        );
      await Promise.all(reps.map((r) => r.stop()));
    }
    // The fixed-window contender on the same traces (1 process; it has no race to show).
    for (const load of loads)
      for (const edge of load === 0.5 ? [false, true] : [false]) {
        const trace = makeTrace({
          seed: opts.seed + load * 100,
          load,
          limit: LIMIT,
          windowMs: WINDOW_MS,
          durationMs,
          edgeBursts: edge,
        });
        const sim = await simulate(trace, new FixedWindowLimiter(), 1);
        runs.push({
          limiter: "fixed window",
          replicas: 1,
          load,
          edge,
          requests: trace.length,
          ...sim,
          maxReq: Math.max(...trace.map((q) => q.input + q.output)),
          leakedReservations: 0,
          leakedTokens: 0,
        });
      }
  } finally {
    await adminStore.close();
    await redis.stop();
  }

  for (const r of runs) {
    const mw = maxWindow(r.admitted);
    const fd = falseDenials(r.admitted, r.denied);
    rows.push({
      limiter: r.limiter,
      replicas: r.replicas,
      load: `${r.load}×${r.edge ? " + edge bursts" : ""}`,
      requests: r.requests,
      admitted: r.admitted.length,
      "max window / limit": +(mw / LIMIT).toFixed(3),
      "overshoot (req/replica)": +(Math.max(0, mw - LIMIT) / r.maxReq / r.replicas).toFixed(3),
      "long-run error %": +longRunError(r.admitted, durationMs).toFixed(2),
      "false 429 %": +((fd / Math.max(1, r.requests)) * 100).toFixed(3),
      "leaked reservations": r.leakedReservations,
      "leaked tokens": r.leakedTokens,
    });
  }
  const ours = runs.filter((r) => r.limiter !== "fixed window");
  const fixed = runs.filter((r) => r.limiter === "fixed window");
  const overshoot = Math.max(
    ...ours.map((r) => Math.max(0, maxWindow(r.admitted) - LIMIT) / r.maxReq / r.replicas),
  );
  const longrun = Math.max(
    ...ours.filter((r) => r.load >= 2).map((r) => Math.abs(longRunError(r.admitted, durationMs))),
  );
  const f429 = Math.max(
    ...ours
      .filter((r) => r.load === 0.8)
      .map((r) => (falseDenials(r.admitted, r.denied) / r.requests) * 100),
  );
  const leaked = ours.reduce((s, r) => s + r.leakedReservations + (r.leakedTokens > 0 ? 1 : 0), 0);
  const fixedWorst = Math.max(...fixed.map((r) => maxWindow(r.admitted) / LIMIT));
  const oursWorst = Math.max(...ours.map((r) => maxWindow(r.admitted) / LIMIT));
  const p50 = pctl(checkLat, 50) / 1000;
  const p99 = pctl(checkLat, 99) / 1000;
  const b99 = pctl(latencies, 99) / 1000;
  const verdict = [
    `worst overshoot ${overshoot.toFixed(3)} requests/replica (target ≤ 1)`,
    `long-run error ${longrun.toFixed(2)}% (target ≤ 1%)`,
    `false 429s at 0.8× ${f429.toFixed(3)}% (target ≤ 0.5%)`,
    `leaked reservations ${leaked} (target 0)`,
    `check latency (one check at a time, loopback Redis, 3 limits per check) p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms over ${checkLat.length} checks (target p99 ≤ 1 ms)`,
    `check latency inside the trace runs (bursts of concurrent checks queue on one Redis) p99 ${b99.toFixed(3)} ms over ${latencies.length} checks`,
    `fixed window worst window ${fixedWorst.toFixed(2)}× the limit vs ${oursWorst.toFixed(2)}× for the sliding limiter`,
  ];
  const md = [
    "# B5: token rate-limit accuracy",
    "",
    `Limit ${LIMIT} total tokens per ${WINDOW_MS / 1000} s window, ${windows} windows per run (fake clock),`,
    `output reservation min(max_tokens, ${OUT_RESERVE}), incremental settle every ${PROGRESS_EVERY} tokens, 5% client aborts.`,
    "",
    markdownTable(rows),
    "",
    ...verdict.map((v) => `- ${v}`),
    "",
  ].join("\n");
  // Like every benchmark: the committed docs folder at full scale, a temp folder otherwise.
  const dir = outputDir(opts.scale, opts.out);
  const paths = writeReport(dir, "ratelimit", { markdown: md, rows });
  process.stdout.write(
    `${markdownTable(rows)}\n\n${verdict.join("\n")}\nreport: ${paths.join(", ")}\n`,
  );
  if (p99 > 1) log(`ratelimit: check p99 ${p99} ms above 1 ms`);
  if (opts.scale === 1 && opts.out === undefined)
    await updateSummary(
      "ratelimit",
      [
        `## ratelimit — token rate-limit accuracy (B5, 1/2/4 router processes on one Redis, fake clock)`,
        ``,
        ...verdict.map((v) => `- ${v}`),
        ``,
        `Details: [benchmarks/ratelimit.md](benchmarks/ratelimit.md).`,
      ].join("\n"),
    );
  return resultLine("ratelimit", {
    longrun_error_pct: longrun,
    false_429_pct: f429,
    leaked_reservations: leaked,
    overshoot_requests_per_replica: overshoot,
  });
}
