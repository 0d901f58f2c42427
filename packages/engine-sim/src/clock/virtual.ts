// Virtual time: a discrete-event loop. Nothing waits on the host; `run()` jumps from event to event.

import { EventQueue } from "./event-queue.ts";
import type { Clock, TimerHandle } from "./event-queue.ts";

export class VirtualClock implements Clock {
  readonly reportScale = 1;
  private current = 0;
  private readonly queue = new EventQueue();
  /** Number of events processed so far. */
  eventsProcessed = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    return this.queue.push(Math.max(at, this.current), fn);
  }

  clearTimer(h: TimerHandle): void {
    this.queue.cancel(h);
  }

  /** Runs events until none is left, or until the next one is later than `until`. Returns the time reached. */
  run(until = Infinity): number {
    for (;;) {
      const t = this.queue.peekTime();
      if (t === undefined || t > until) break;
      const ev = this.queue.pop();
      if (ev === undefined) break;
      this.current = ev.at;
      this.eventsProcessed++;
      ev.fn();
    }
    if (until !== Infinity && until > this.current) this.current = until;
    return this.current;
  }

  get pending(): number {
    return this.queue.size;
  }
}
