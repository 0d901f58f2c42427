// B3 (performance.md §7): prefill/decode disaggregation deciders, discrete-event mode.
// One prefill + three decode engines ("70B-TP4-H100-like": prefill 0.5 ms/token, decode step 25 ms),
// KV transfer over InfiniBand (8 µs/token + 1 ms) or TCP (32 µs/token + 5 ms). Multi-turn sessions:
// (a) chat: 5K shared system prompt, ≈ 50 new user tokens and 100 output tokens per turn, 4 turns;
// (b) code: 30K prefix per repository (4 repositories), ≈ 1.5K new tokens per turn, 200 output, 15 turns.
// Each session sticks to one decode engine (hash of the session). Deciders: always-local (no
// disaggregation: the baseline), and the router's PD deciders (apps/router/src/pd/decider.ts):
// always (disaggregate every request), threshold (disaggregate when > 16 prompt tokens are uncached
// on the decode engine, llm-d's default) and queue-aware (threshold plus: only when the prefill
// engine's queued prefill work + transfer beats the decode engine's own queued prefill work).
//
// The decisions are the router's code: `decidePd` and `queuedPrefillTokens` with PdDeciderParams
// set as an operator would for these engines (prefill cost and transfer cost of the transport), the
// router's PrefillLedger (charged at dispatch, released at the first token or when the prefill
// finishes, as servePd does), and the uncached-token estimate from the kv-cache-aware scorer's
// KvBlockIndex fed by the simulated engines' KV events 5 ms after each step, with the engines' chained
// block hashes (requestBlockHashes). Engine `waiting` counts reach the decider as a scrape would: a
// snapshot at most 200 ms old.
import { Simulation } from "@tessera/engine-sim";
import type { Engine, EngineParams, RequestResult } from "@tessera/engine-sim";
import {
  decidePd,
  needsPrefillSide,
  PdDeciderParams,
  queuedPrefillTokens,
} from "@tessera/router/pd/decider";
import { PrefillLedger } from "@tessera/router/pd/prefill-ledger";
import { uncachedTokens } from "@tessera/router/pd/uncached";
import {
  KvBlockIndex,
  requestBlockHashes,
} from "@tessera/router/plugins/scorer/kv-cache-aware/index";
import { mulberry32 } from "@tessera/shared/tokens/tokenizer";
import { summarize } from "../metrics/metrics.ts";
import { barChart } from "../report/svg.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { hashSeed } from "../workload/workload.ts";
import { randomWords, wordTokens } from "../workload/text.ts";
import { log, outputDir, resultLine, updateSummary } from "./common.ts";

const BLOCK = 16;
export const PD_ENGINE: Partial<EngineParams> = {
  name: "70B-TP4-H100-like",
  t0Ms: 25,
  tPrefillMs: 0.5,
  tSeqMs: 0.05,
  tKvMs: 1e-5,
  blockSize: BLOCK,
  numBlocks: 29_000,
  maxNumSeqs: 256,
  maxNumBatchedTokens: 8192,
  maxModelLen: 131_072,
};
const TRANSPORTS = {
  ib: { tTransferMs: 0.008, transferSetupMs: 1 },
  tcp: { tTransferMs: 0.032, transferSetupMs: 5 },
} as const;

interface WorkloadSpec {
  name: "chat" | "code";
  prefixLen: number;
  prefixes: number;
  newTokens: number;
  outputTokens: number;
  turns: number;
  sessionsPerS: number;
  sessions: number;
  thinkS: number;
}

const WORKLOADS: WorkloadSpec[] = [
  {
    name: "chat",
    prefixLen: 5000,
    prefixes: 1,
    newTokens: 50,
    outputTokens: 100,
    turns: 4,
    sessionsPerS: 4,
    sessions: 400,
    thinkS: 1,
  },
  {
    name: "code",
    prefixLen: 30_000,
    prefixes: 4,
    newTokens: 1500,
    outputTokens: 200,
    turns: 15,
    sessionsPerS: 0.25,
    sessions: 30,
    thinkS: 2,
  },
];

export type Decider = "always-local" | "always-disaggregate" | "threshold-16" | "queue-aware";
const DECIDERS: Decider[] = ["always-local", "always-disaggregate", "threshold-16", "queue-aware"];
/** The router's decider for each benchmark decider (always-local = a ModelServer without PD). */
const ROUTER_DECIDER = {
  "always-disaggregate": "always",
  "threshold-16": "threshold",
  "queue-aware": "queue-aware",
} as const;
/** KV events reach the router's index this long after the engine step (as in the kthena DES). */
const KV_EVENT_DELAY_S = 0.005;
/** The router's default metric scrape interval. */
const SCRAPE_S = 0.2;

interface TurnRecord {
  ttft: number;
  itl: readonly number[];
  disaggregated: boolean;
}

export function runPd(
  w: WorkloadSpec,
  decider: Decider,
  transport: keyof typeof TRANSPORTS,
  scale: number,
  seed: number,
): { turns: TurnRecord[]; virtualS: number } {
  const sim = new Simulation({ replicas: 0 });
  const params = { ...PD_ENGINE, ...TRANSPORTS[transport] };
  const P = sim.addEngine({
    preset: "8B-H100",
    params,
    seed,
    engineId: "prefill-0",
    kvEvents: true,
  });
  const D = [0, 1, 2].map((i) =>
    sim.addEngine({
      preset: "8B-H100",
      params,
      seed: seed + 1 + i,
      engineId: `decode-${i}`,
      kvEvents: true,
    }),
  );
  // The router's side: its decider settings for these engines, its prefill ledger and its KV index.
  const pdParams = PdDeciderParams.parse({
    decider: decider === "always-local" ? "always" : ROUTER_DECIDER[decider],
    thresholdTokens: 16,
    prefillMsPerToken: PD_ENGINE.tPrefillMs,
    transferMsPerToken: params.tTransferMs,
    transferSetupMs: params.transferSetupMs,
  });
  const ledger = new PrefillLedger();
  const index = new KvBlockIndex();
  const engines = [P, ...D];
  const idOf = new Map(
    engines.map((e, i) => [e, `bench/${i === 0 ? "prefill" : "decode"}-${i}:8000`]),
  );
  const scraped = new Map<Engine, { at: number; waiting: number }>();
  for (const e of engines)
    e.onKvEvents((batch) =>
      sim.at(sim.now + KV_EVENT_DELAY_S, () => index.apply(idOf.get(e) as string, batch.events)),
    );
  const waitingOf = (e: Engine) => {
    let s = scraped.get(e);
    if (s === undefined || sim.now - s.at >= SCRAPE_S) {
      s = { at: sim.now, waiting: e.snapshot().waiting };
      scraped.set(e, s);
    }
    return s.waiting;
  };
  const side = (e: Engine, hashes: readonly string[], promptLen: number) => {
    const id = idOf.get(e) as string;
    const uncached = uncachedTokens(promptLen, index.matched(id, hashes), BLOCK);
    return {
      uncachedTokens: uncached,
      queuedTokens: queuedPrefillTokens(pdParams, ledger.get(id), waitingOf(e), false),
    };
  };
  const prefixes = Array.from({ length: w.prefixes }, (_, i) =>
    randomWords(w.prefixLen, hashSeed(seed, 41, i)),
  );
  const rnd = mulberry32(hashSeed(seed, 42, 0));
  const turns: TurnRecord[] = [];
  const nSessions = Math.max(3, Math.round(w.sessions * scale));

  const turn = (s: number, k: number, history: number[]) => {
    const user = wordTokens(randomWords(w.newTokens, hashSeed(seed, 43, s * 1000 + k)));
    const prompt = [...history, ...user];
    const d = D[s % 3] as Engine;
    const t0 = sim.now;
    const hashes = requestBlockHashes(prompt, BLOCK, Infinity);
    const dSide = side(d, hashes, prompt.length);
    const pSide = side(P, hashes, prompt.length);
    const remote =
      decider !== "always-local" &&
      decidePd(pdParams, {
        decode: dSide,
        prefill: needsPrefillSide(pdParams) ? pSide : null,
      }).remote;
    const finish = (r: RequestResult) => {
      turns.push({ ttft: (r.firstToken ?? r.finished) - t0, itl: r.itl, disaggregated: remote });
      if (k + 1 < w.turns)
        sim.at(sim.now + w.thinkS, () => turn(s, k + 1, [...prompt, ...r.outputTokens]));
    };
    // As servePd: a local request charges the decode endpoint's uncached tokens until its first
    // token; a remote one charges the prefill endpoint's until the prefill answers.
    const decode = (remoteTokens: number, owed: number) => {
      const release = ledger.add(idOf.get(d) as string, owed);
      d.submit({
        promptTokens: prompt,
        maxTokens: w.outputTokens,
        remoteTokens,
        onToken: (_id, _t, i) => {
          if (i === 0) release();
        },
        onFinish: (r) => {
          release();
          finish(r);
        },
      });
    };
    if (!remote) {
      decode(0, dSide.uncachedTokens);
      return;
    }
    const release = ledger.add(idOf.get(P) as string, pSide.uncachedTokens);
    P.submit({
      promptTokens: prompt,
      maxTokens: 1,
      onFinish: () => {
        release();
        decode(Math.floor(prompt.length / BLOCK) * BLOCK, 0);
      },
    });
  };

  let t = 0;
  for (let s = 0; s < nSessions; s++) {
    const prefix = wordTokens(prefixes[s % w.prefixes] as Uint16Array);
    sim.at(t, () => turn(s, 0, prefix));
    t += -Math.log(1 - rnd()) / w.sessionsPerS;
  }
  const virtualS = sim.run();
  if (ledger.total() !== 0) throw new Error(`prefill ledger leaked ${ledger.total()} tokens`);
  return { turns, virtualS };
}

export async function pdBenchmark(o: {
  scale: number;
  seed: number;
  out?: string | undefined;
}): Promise<string> {
  const rows: Row[] = [];
  const cell = new Map<string, { ttftMean: number; itlP99: number }>();
  for (const w of WORKLOADS)
    for (const transport of ["ib", "tcp"] as const)
      for (const decider of DECIDERS) {
        const t = performance.now();
        const r = runPd(w, decider, transport, o.scale, o.seed);
        const ttft = summarize(r.turns.map((x) => x.ttft));
        const itl = summarize(r.turns.flatMap((x) => x.itl));
        cell.set(`${w.name}/${transport}/${decider}`, { ttftMean: ttft.mean, itlP99: itl.p99 });
        rows.push({
          workload: w.name,
          transport,
          decider,
          turns: r.turns.length,
          disaggregated_pct:
            (r.turns.filter((x) => x.disaggregated).length / Math.max(1, r.turns.length)) * 100,
          ttft_mean_ms: ttft.mean * 1000,
          ttft_p50_ms: ttft.p50 * 1000,
          ttft_p90_ms: ttft.p90 * 1000,
          ttft_p99_ms: ttft.p99 * 1000,
          itl_p50_ms: itl.p50 * 1000,
          itl_p99_ms: itl.p99 * 1000,
          virtual_s: r.virtualS,
        });
        log(
          `pd ${w.name} ${transport} ${decider}: TTFT mean ${(ttft.mean * 1000).toFixed(0)} ms, p99 ${(ttft.p99 * 1000).toFixed(0)} ms, ` +
            `ITL p99 ${(itl.p99 * 1000).toFixed(0)} ms (${((performance.now() - t) / 1000).toFixed(1)} s)`,
        );
        await Promise.resolve();
      }
  const g = (k: string) => cell.get(k);
  const fig: Record<string, number> = {};
  for (const tr of ["ib", "tcp"]) {
    const qa = g(`chat/${tr}/queue-aware`);
    const th = g(`chat/${tr}/threshold-16`);
    if (qa && th) fig[`chat_${tr}_ttft_threshold_over_queue_aware`] = th.ttftMean / qa.ttftMean;
    const cq = g(`code/${tr}/queue-aware`);
    const cl = g(`code/${tr}/always-local`);
    const ct = g(`code/${tr}/threshold-16`);
    if (cq && cl) fig[`code_${tr}_queue_aware_ttft_vs_local`] = cq.ttftMean / cl.ttftMean;
    if (ct && cl) fig[`code_${tr}_threshold_ttft_vs_local`] = ct.ttftMean / cl.ttftMean;
  }
  const md = [
    `# Prefill/decode disaggregation deciders (DES)`,
    ``,
    `Generated by \`npm run bench -- pd${o.scale === 1 ? "" : ` --scale ${o.scale}`}\` (seed ${o.seed}). One prefill + three decode engines,` +
      ` "70B-TP4-H100-like" (prefill 0.5 ms/token, decode step 25 ms + 0.05 ms/seq, 29k × 16-token blocks each);` +
      ` transfer IB 8 µs/token + 1 ms or TCP 32 µs/token + 5 ms. Chat: ${WORKLOADS[0]?.sessions} sessions at` +
      ` ${WORKLOADS[0]?.sessionsPerS}/s, 5K shared system prompt, 50 new + 100 output tokens per turn, 4 turns, 1 s think time.` +
      ` Code: ${WORKLOADS[1]?.sessions} sessions at ${WORKLOADS[1]?.sessionsPerS}/s, 30K prefix (4 repositories), 1.5K new + 200` +
      ` output tokens per turn, 15 turns, 2 s think time. Sessions stick to a decode engine. The deciders are` +
      ` the router's PD deciders (apps/router/src/pd/decider.ts: always, threshold 16, queue-aware with the engines' prefill` +
      ` and transfer costs) on the router's KV index fed by the engines' KV events; always-local is the no-PD baseline.` +
      ` The load levels were chosen once, not tuned per decider.`,
    ``,
    markdownTable(
      rows.map((r) => ({
        workload: r.workload as string,
        transport: r.transport as string,
        decider: r.decider as string,
        "disaggregated %": r.disaggregated_pct as number,
        "TTFT mean ms": r.ttft_mean_ms as number,
        "TTFT p99 ms": r.ttft_p99_ms as number,
        "ITL p50 ms": r.itl_p50_ms as number,
        "ITL p99 ms": r.itl_p99_ms as number,
      })),
    ),
    `B3 targets: chat — queue-aware TTFT ≥ 2× lower than threshold-16 at moderate-high load; code — TTFT never worse` +
      ` than 1.2× always-local (threshold-16 can be 20× worse); ITL p99 within the decode SLO. Headline figures are in` +
      ` the RESULT line (\`*_ttft_threshold_over_queue_aware\` ≥ 2 and \`code_*_queue_aware_ttft_vs_local\` ≤ 1.2 meet them).`,
    ``,
  ].join("\n");
  const svg = barChart({
    title: "PD deciders: mean TTFT (IB transfer)",
    yLabel: "TTFT mean (ms)",
    categories: DECIDERS,
    series: WORKLOADS.map((w) => ({
      name: w.name,
      values: DECIDERS.map((d) => (g(`${w.name}/ib/${d}`)?.ttftMean ?? NaN) * 1000),
    })),
  });
  const dir = outputDir(o.scale, o.out);
  const paths = writeReport(dir, "pd", { markdown: md, rows, svg });
  log(`wrote ${paths.join(", ")}`);
  if (o.scale === 1 && o.out === undefined)
    await updateSummary(
      "pd",
      [
        `## pd — prefill/decode deciders (DES, the router's decider code)`,
        ``,
        resultLine("pd", fig)
          .replace(/^RESULT pd /, "Figures: ")
          .replace(/ /g, ", ")
          .replace("Figures:,", "Figures:"),
        ``,
        `Details: [benchmarks/pd.md](benchmarks/pd.md).`,
      ].join("\n"),
    );
  return resultLine("pd", fig);
}
