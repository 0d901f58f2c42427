// Step cost model: T = t0 + P·t_pf + B·t_seq + C·t_kv (+ X·t_xfer for KV received from a prefill
// instance), times a seeded Gaussian jitter factor. P = uncached prefill tokens in the step,
// B = decode sequences, C = context tokens those decode sequences attend over.

import type { EngineParams } from "./presets.ts";

export interface StepShape {
  prefillTokens: number;
  decodeSeqs: number;
  contextTokens: number;
  transferTokens: number;
  transferRequests: number;
}

/** Deterministic step duration in seconds, before jitter. */
export function stepCostSeconds(p: EngineParams, s: StepShape): number {
  const ms =
    p.t0Ms +
    s.prefillTokens * p.tPrefillMs +
    s.decodeSeqs * p.tSeqMs +
    s.contextTokens * p.tKvMs +
    s.transferTokens * p.tTransferMs +
    s.transferRequests * p.transferSetupMs;
  return ms / 1000;
}

/** Standard normal sample from a uniform source (Box–Muller). */
export function gaussian(rnd: () => number): number {
  const u = Math.max(rnd(), 1e-12);
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Jitter factor, clamped to [0.5, 1.5] so a step never becomes free or absurdly long. */
export function jitterFactor(p: EngineParams, rnd: () => number): number {
  if (p.jitter <= 0) return 1;
  return Math.min(1.5, Math.max(0.5, 1 + p.jitter * gaussian(rnd)));
}
