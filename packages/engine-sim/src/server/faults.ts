// Fault injection: startup delay (not ready until then), an error rate, hangs, and crashes in the
// middle of a stream. All draws come from a seeded generator so tests are reproducible.

import { mulberry32 } from "@tessera/shared/tokens/tokenizer";

export interface FaultOptions {
  /** Milliseconds (wall time) after start during which /health and the APIs answer 503. */
  startupDelayMs?: number;
  /** Probability that a completion request fails with a 500. */
  errorRate?: number;
  /** Probability that a completion request never answers (until the client gives up). */
  hangRate?: number;
  /** Probability that a streaming request's connection is destroyed mid-stream. */
  crashRate?: number;
  /** Tokens sent before such a crash. */
  crashAfterTokens?: number;
}

export type FaultDecision = "ok" | "error" | "hang" | "crash";

export class Faults {
  private opts: Required<FaultOptions>;
  private readonly readyAt: number;
  private readonly rnd: () => number;

  constructor(opts: FaultOptions = {}, seed = 0) {
    this.opts = {
      startupDelayMs: 0,
      errorRate: 0,
      hangRate: 0,
      crashRate: 0,
      crashAfterTokens: 3,
      ...opts,
    };
    this.readyAt = Date.now() + this.opts.startupDelayMs;
    this.rnd = mulberry32(seed ^ 0xfa17);
  }

  get ready(): boolean {
    return Date.now() >= this.readyAt;
  }

  get crashAfterTokens(): number {
    return this.opts.crashAfterTokens;
  }

  get options(): Required<FaultOptions> {
    return { ...this.opts };
  }

  /** Changes rates at run time (POST /sim/faults). The startup delay cannot be changed. */
  update(patch: FaultOptions): void {
    const { startupDelayMs: _ignored, ...rest } = patch;
    this.opts = { ...this.opts, ...rest };
  }

  /** One draw per request, in this order: error, hang, crash (crash only applies to streams). */
  decide(stream: boolean): FaultDecision {
    const r = this.rnd();
    let acc = this.opts.errorRate;
    if (r < acc) return "error";
    acc += this.opts.hangRate;
    if (r < acc) return "hang";
    acc += this.opts.crashRate;
    if (stream && r < acc) return "crash";
    return "ok";
  }
}
