// Wall time: the same event queue, paced by the host clock. Simulated time t happens at real time
// start + t·timeScale, so `timeScale` 0.01 runs a preset a hundred times faster. Callbacks run in
// (time, insertion) order exactly as in virtual time; when host timers fire late, several due events
// run back to back, each seeing its own scheduled time, so step sequences do not depend on timer jitter.

import { EventQueue } from "./event-queue.ts";
import type { Clock, TimerHandle } from "./event-queue.ts";

export class WallClock implements Clock {
  private readonly queue = new EventQueue();
  private startMs = 0;
  private started = false;
  private last = 0;
  private inEvent = false;
  private eventTime = 0;
  private hostTimer: { cancel: () => void } | undefined;
  private hostTimerAt = Infinity;
  private closed = false;

  readonly timeScale: number;

  /**
   * `autoStart: false` freezes simulated time at 0 until `start()`, so a caller can schedule a whole
   * workload first (used to compare wall-time and virtual-time runs step for step).
   */
  constructor(timeScale = 1, opts: { autoStart?: boolean } = {}) {
    this.timeScale = timeScale;
    if (!(timeScale > 0)) throw new Error(`time scale must be > 0, got ${timeScale}`);
    if (opts.autoStart ?? true) this.start();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.startMs = performance.now();
    this.arm();
  }

  get reportScale(): number {
    return this.timeScale;
  }

  private realNow(): number {
    if (!this.started) return 0;
    return (performance.now() - this.startMs) / 1000 / this.timeScale;
  }

  now(): number {
    if (this.inEvent) return this.eventTime;
    const r = this.realNow();
    if (r > this.last) this.last = r;
    return this.last;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const h = this.queue.push(Math.max(at, this.inEvent ? this.eventTime : this.now()), fn);
    if (!this.inEvent) this.arm();
    return h;
  }

  clearTimer(h: TimerHandle): void {
    this.queue.cancel(h);
  }

  /** Stops pacing; pending events never run. */
  close(): void {
    this.closed = true;
    this.hostTimer?.cancel();
    this.hostTimer = undefined;
  }

  private arm(): void {
    if (this.closed || !this.started) return;
    const next = this.queue.peekTime();
    if (next === undefined) return;
    if (this.hostTimer && next >= this.hostTimerAt) return;
    this.hostTimer?.cancel();
    const delayMs = Math.max(0, (next - this.realNow()) * this.timeScale * 1000);
    this.hostTimerAt = next;
    // Node's setTimeout waits at least 1 ms; events already due run on the next turn instead. (Not
    // for events a fraction of a millisecond ahead: re-arming on every turn would spin the CPU.)
    if (delayMs <= 0) {
      const imm = setImmediate(() => this.pump());
      this.hostTimer = { cancel: () => clearImmediate(imm) };
    } else {
      const t = setTimeout(() => this.pump(), delayMs);
      this.hostTimer = { cancel: () => clearTimeout(t) };
    }
  }

  private pump(): void {
    this.hostTimer = undefined;
    this.hostTimerAt = Infinity;
    const realNow = this.realNow();
    this.inEvent = true;
    try {
      for (;;) {
        const t = this.queue.peekTime();
        if (t === undefined || t > realNow || this.closed) break;
        const ev = this.queue.pop();
        if (ev === undefined) break;
        if (ev.at > this.last) this.last = ev.at;
        this.eventTime = ev.at;
        ev.fn();
      }
    } finally {
      this.inEvent = false;
    }
    this.arm();
  }
}
