// Discrete-event simulation driver: several engines on one virtual clock, requests arriving at virtual
// times, completion callbacks with TTFT / ITL / E2E and cached tokens. Deterministic for a seed.

import { VirtualClock } from "../clock/virtual.ts";
import { Engine } from "../engine/engine.ts";
import type { EngineOptions, RequestResult, SubmitOptions } from "../engine/engine.ts";

export interface SimulationOptions {
  replicas?: number;
  preset?: string;
  params?: EngineOptions["params"];
  /** Engine i gets seed `seed + i`. */
  seed?: number;
  kvEvents?: boolean;
}

export class Simulation {
  readonly clock = new VirtualClock();
  readonly engines: Engine[] = [];
  readonly results: RequestResult[] = [];

  constructor(opts: SimulationOptions = {}) {
    const n = opts.replicas ?? 1;
    for (let i = 0; i < n; i++)
      this.addEngine({
        preset: opts.preset,
        params: opts.params,
        seed: (opts.seed ?? 0) + i,
        kvEvents: opts.kvEvents,
      });
  }

  addEngine(opts: Omit<EngineOptions, "clock">): Engine {
    const e = new Engine({ engineId: `engine-${this.engines.length}`, ...opts, clock: this.clock });
    this.engines.push(e);
    return e;
  }

  get now(): number {
    return this.clock.now();
  }

  /** Runs `fn` at virtual time `time`. */
  at(time: number, fn: () => void): void {
    this.clock.setTimer(time, fn);
  }

  /**
   * Submits a request to `engine` at virtual `time` (the engine may be chosen at that time, e.g. by a
   * router reading snapshots). Results are collected in `results` and passed to `opts.onFinish`.
   */
  submitAt(time: number, engine: Engine | (() => Engine), opts: SubmitOptions): void {
    this.at(time, () => {
      const e = typeof engine === "function" ? engine() : engine;
      e.submit({
        ...opts,
        onFinish: (r) => {
          this.results.push(r);
          opts.onFinish?.(r);
        },
      });
    });
  }

  /** Runs to completion (or to `until`), returning the virtual time reached. */
  run(until?: number): number {
    return this.clock.run(until);
  }
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Mean and nearest-rank percentiles of a list of numbers. */
export function summarize(values: readonly number[]): LatencySummary {
  const v = [...values].sort((a, b) => a - b);
  const pick = (q: number) =>
    v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))] ?? NaN;
  const mean = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  return { count: v.length, mean, p50: pick(0.5), p90: pick(0.9), p99: pick(0.99) };
}
