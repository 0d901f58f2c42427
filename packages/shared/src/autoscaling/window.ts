// Sliding-window minimum/maximum over (timestamp ms, value) points with a monotonic deque: O(1)
// amortised per point. A point recorded at t is inside the window at `now` iff t > now − windowMs,
// so a 0 ms window is always empty (the constraint it feeds is disabled).

export type WindowKind = "min" | "max";

export class SlidingExtremum {
  readonly windowMs: number;
  readonly kind: WindowKind;
  private times: number[] = [];
  private values: number[] = [];
  private head = 0;

  constructor(kind: WindowKind, windowMs: number) {
    this.kind = kind;
    this.windowMs = Math.max(0, windowMs);
  }

  /** Adds a point. Timestamps must not decrease. */
  record(t: number, value: number): void {
    if (this.windowMs === 0) return;
    const last = this.times.length - 1;
    if (last >= this.head && (this.times[last] ?? t) > t)
      throw new Error("SlidingExtremum: time went backwards");
    // Drop dominated tail points: they can never be the extremum again.
    while (this.values.length > this.head) {
      const tail = this.values[this.values.length - 1] ?? 0;
      if (this.kind === "min" ? tail >= value : tail <= value) {
        this.values.pop();
        this.times.pop();
      } else break;
    }
    this.times.push(t);
    this.values.push(value);
  }

  /** Extremum of the points with t > now − windowMs, or undefined if none. */
  query(now: number): number | undefined {
    this.evict(now);
    return this.head < this.values.length ? this.values[this.head] : undefined;
  }

  private evict(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= cutoff) this.head++;
    // Compact occasionally so long-running controllers do not grow the arrays.
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }
}
