// A binary-heap timer queue ordered by (time, insertion sequence). Both clocks drive the engine through
// it, so the order in which callbacks run depends only on their times, never on the host's timers.

export type TimerHandle = number;

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class EventQueue {
  private heap: Timer[] = [];
  private nextSeq = 0;
  private cancelled = new Set<number>();

  get size(): number {
    return this.heap.length - this.cancelled.size;
  }

  push(at: number, fn: () => void): TimerHandle {
    const t: Timer = { at, seq: this.nextSeq++, fn };
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return t.seq;
  }

  cancel(h: TimerHandle): void {
    this.cancelled.add(h);
  }

  /** Time of the earliest live timer, or undefined. */
  peekTime(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  pop(): { at: number; fn: () => void } | undefined {
    this.dropCancelled();
    return this.take();
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.cancelled.size > 0) {
      const top = this.heap[0];
      if (top === undefined || !this.cancelled.has(top.seq)) return;
      this.cancelled.delete(top.seq);
      this.take();
    }
  }

  private take(): Timer | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const hi = h[i];
      const hp = h[p];
      if (hi === undefined || hp === undefined || !this.less(hi, hp)) return;
      h[i] = hp;
      h[p] = hi;
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const hm0 = h[m];
      const hl = h[l];
      const hr = h[r];
      if (hm0 === undefined) return;
      let hm = hm0;
      if (hl !== undefined && this.less(hl, hm)) {
        m = l;
        hm = hl;
      }
      if (hr !== undefined && this.less(hr, hm)) m = r;
      if (m === i) return;
      const tmp = h[m];
      if (tmp === undefined) return;
      h[m] = hm0;
      h[i] = tmp;
      i = m;
    }
  }
}

/** What the engine needs from a clock. Times are simulated seconds. */
export interface Clock {
  /** Current simulated time in seconds. */
  now(): number;
  /** Runs `fn` at simulated time `at` (or as soon as possible if `at` is in the past). */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(h: TimerHandle): void;
  /** Factor from simulated seconds to the seconds an outside observer sees (1 in virtual time). */
  readonly reportScale: number;
}
