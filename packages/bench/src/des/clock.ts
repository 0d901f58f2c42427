// A virtual clock for driving engines and the router's (async) scheduling code together.
//
// The engine simulator's VirtualClock runs its queue to completion synchronously, but the router's
// scheduler is async (a scorer may await I/O, e.g. kv-cache-aware's tokenizer), and a metric scrape
// awaits prom-client's rendering. This clock implements the engine's `Clock` contract and lets a
// timer callback *break* the run: `runUntilBreak()` returns right after such a callback, at its
// virtual time, so the driver can await router work before any later event is processed. Ordering
// is by (time, insertion sequence), exactly as in the engine's own event queue.
import type { Clock } from "@tessera/engine-sim";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class BreakableClock implements Clock {
  readonly reportScale = 1;
  #now = 0;
  #seq = 0;
  #heap: Timer[] = [];
  #cancelled = new Set<number>();
  #break = false;
  eventsProcessed = 0;

  now(): number {
    return this.#now;
  }

  setTimer(at: number, fn: () => void): number {
    const t: Timer = { at: Math.max(at, this.#now), seq: this.#seq++, fn };
    this.#heap.push(t);
    this.#up(this.#heap.length - 1);
    return t.seq;
  }

  clearTimer(h: number): void {
    this.#cancelled.add(h);
  }

  /** Asks `runUntilBreak` to return after the callback now running. */
  requestBreak(): void {
    this.#break = true;
  }

  get pending(): number {
    return this.#heap.length - this.#cancelled.size;
  }

  /**
   * Runs events in order until one requests a break (returns true) or none is left (returns false).
   * Events later than `until` are left queued (returns false) and the time is advanced to `until`.
   */
  runUntilBreak(until = Infinity): boolean {
    this.#break = false;
    for (;;) {
      const top = this.#peek();
      if (top === undefined || top.at > until) {
        if (until !== Infinity && until > this.#now) this.#now = until;
        return false;
      }
      this.#pop();
      this.#now = top.at;
      this.eventsProcessed++;
      top.fn();
      if (this.#break) {
        this.#break = false;
        return true;
      }
    }
  }

  #peek(): Timer | undefined {
    while (this.#heap.length > 0 && this.#cancelled.size > 0) {
      const top = this.#heap[0] as Timer;
      if (!this.#cancelled.has(top.seq)) break;
      this.#cancelled.delete(top.seq);
      this.#pop();
    }
    return this.#heap[0];
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && less(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) return;
      const t = h[m] as Timer;
      h[m] = h[i] as Timer;
      h[i] = t;
      i = m;
    }
  }

  #up(i: number): void {
    const h = this.#heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i] as Timer, h[p] as Timer)) return;
      const t = h[p] as Timer;
      h[p] = h[i] as Timer;
      h[i] = t;
      i = p;
    }
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
