import { describe, expect, it } from "vitest";
import { BreakableClock } from "./clock.ts";

describe("breakable virtual clock", () => {
  it("runs timers in (time, insertion) order and returns right after a break", () => {
    const c = new BreakableClock();
    const log: string[] = [];
    c.setTimer(2, () => log.push("b"));
    c.setTimer(1, () => {
      log.push("a");
      c.requestBreak();
    });
    c.setTimer(1, () => log.push("a2"));
    const h = c.setTimer(1.5, () => log.push("cancelled"));
    c.clearTimer(h);
    expect(c.runUntilBreak()).toBe(true);
    expect(log).toEqual(["a"]);
    expect(c.now()).toBe(1);
    // A timer set "in the past" runs at the current time, before later ones.
    c.setTimer(0, () => log.push("late"));
    expect(c.runUntilBreak()).toBe(false);
    expect(log).toEqual(["a", "a2", "late", "b"]);
    expect(c.now()).toBe(2);
  });

  it("stops before events later than `until`", () => {
    const c = new BreakableClock();
    const log: number[] = [];
    for (const t of [3, 1, 2]) c.setTimer(t, () => log.push(t));
    expect(c.runUntilBreak(2.5)).toBe(false);
    expect(log).toEqual([1, 2]);
    expect(c.now()).toBe(2.5);
    expect(c.pending).toBe(1);
  });
});
