// B3 (performance.md §7): prefill/decode disaggregation deciders, discrete-event mode.
// One prefill + three decode engines ("70B-TP4-H100-like": prefill 0.5 ms/token, decode step 25 ms),
// KV transfer over InfiniBand (8 µs/token + 1 ms) or TCP (32 µs/token + 5 ms). Multi-turn sessions:
// (a) chat: 5K shared system prompt, ≈ 50 new user tokens and 100 output tokens per turn, 4 turns;
// (b) code: 30K prefix per repository (4 repositories), ≈ 1.5K new tokens per turn, 200 output, 15 turns.
// Each session sticks to one decode engine (hash of the session). Deciders: always-local,
// always-disaggregate, threshold (disaggregate when > 16 prompt tokens are uncached on the decode
// engine, llm-d's default) and queue-aware (threshold plus: only when the prefill engine's queued
// prefill work + transfer beats the decode engine's own queued prefill work).
//
// The router has no PD decider yet (its PD path always disaggregates when the ModelServer has PD
// groups), so the deciders here are benchmark-local models of the candidates, not router code.
import { Simulation } from "@tessera/engine-sim";
import type { Engine, EngineParams, RequestResult } from "@tessera/engine-sim";
import { blockHashes } from "@tessera/shared/tokens/block-hash";
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

interface TurnRecord {
  ttft: number;
  itl: readonly number[];
  disaggregated: boolean;
}

function uncached(e: Engine, tokens: readonly number[]): number {
  const hs = blockHashes(tokens, BLOCK);
  let m = 0;
  while (m < hs.length && e.hasBlock(hs[m] as string)) m++;
  return tokens.length - m * BLOCK;
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
  const tPrefillMs = PD_ENGINE.tPrefillMs ?? 0.5;
  const P = sim.addEngine({ preset: "8B-H100", params, seed, engineId: "prefill-0" });
  const D = [0, 1, 2].map((i) =>
    sim.addEngine({ preset: "8B-H100", params, seed: seed + 1 + i, engineId: `decode-${i}` }),
  );
  // Router-local view: prefill tokens dispatched to an engine and not yet through their first token.
  const pending = new Map<Engine, number>([P, ...D].map((e) => [e, 0]));
  const tpf = tPrefillMs / 1000;
  const xfer = (n: number) => (n * params.tTransferMs + params.transferSetupMs) / 1000;
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
    const uD = uncached(d, prompt);
    let remote = false;
    if (decider === "always-disaggregate") remote = true;
    else if (decider === "threshold-16") remote = uD > 16;
    else if (decider === "queue-aware") {
      const uP = uncached(P, prompt);
      const local = ((pending.get(d) ?? 0) + uD) * tpf;
      const viaP = ((pending.get(P) ?? 0) + uP) * tpf + xfer(prompt.length);
      remote = uD > 16 && viaP < local;
    }
    const finish = (r: RequestResult) => {
      turns.push({ ttft: (r.firstToken ?? r.finished) - t0, itl: r.itl, disaggregated: remote });
      if (k + 1 < w.turns)
        sim.at(sim.now + w.thinkS, () => turn(s, k + 1, [...prompt, ...r.outputTokens]));
    };
    const decode = (remoteTokens: number, owed: number) => {
      pending.set(d, (pending.get(d) ?? 0) + owed);
      d.submit({
        promptTokens: prompt,
        maxTokens: w.outputTokens,
        remoteTokens,
        onToken: (_id, _t, index) => {
          if (index === 0) pending.set(d, (pending.get(d) ?? 0) - owed);
        },
        onFinish: finish,
      });
    };
    if (!remote) {
      decode(0, uD);
      return;
    }
    const uP = uncached(P, prompt);
    pending.set(P, (pending.get(P) ?? 0) + uP);
    P.submit({
      promptTokens: prompt,
      maxTokens: 1,
      onFinish: () => {
        pending.set(P, (pending.get(P) ?? 0) - uP);
        decode(Math.floor(prompt.length / BLOCK) * BLOCK, 1);
      },
    });
  };

  let t = 0;
  for (let s = 0; s < nSessions; s++) {
    const prefix = wordTokens(prefixes[s % w.prefixes] as Uint16Array);
    sim.at(t, () => turn(s, 0, prefix));
    t += -Math.log(1 - rnd()) / w.sessionsPerS;
  }
  return { turns, virtualS: sim.run() };
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
      ` benchmark-local models (the router has no PD decider yet); the load levels were chosen once, not tuned per decider.`,
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
        `## pd — prefill/decode deciders (DES, benchmark-local deciders)`,
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
