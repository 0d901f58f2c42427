import { describe, expect, it } from "vitest";
import { FairQueue, QueueAbortedError, QueueTimeoutError } from "./queue.ts";
import type { Ticket } from "./queue.ts";

describe("FairQueue", () => {
  it("serves the tenant with the lowest weighted usage first, higher priority before that", async () => {
    const q = new FairQueue({ capacity: 1, timeoutMs: 5_000 });
    const first = await q.acquire("m", "heavy", 1, 1);
    // "heavy" has used 1000 tokens recently, "light" (weight 2) 600 → 300 weighted.
    first.done(1000);
    const warm = await q.acquire("m", "light", 2, 1);
    const order: string[] = [];
    const granted: Ticket[] = [];
    const wait = (t: string, w: number, p: number) =>
      void q.acquire("m", t, w, p).then((tk: Ticket) => {
        order.push(t);
        granted.push(tk);
      });
    wait("heavy", 1, 1);
    wait("light", 2, 1);
    wait("batch", 1, -1);
    wait("vip", 1, 3);
    expect(q.queued("m")).toBe(4);
    warm.done(600);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setImmediate(r));
      granted[i]?.done(0);
    }
    expect(order).toEqual(["vip", "light", "heavy", "batch"]);
    expect(q.inFlight("m")).toBe(0);
  });

  it("times out and cancels on client disconnect without leaking slots", async () => {
    const q = new FairQueue({ capacity: 1, timeoutMs: 50 });
    const hold = await q.acquire("m", "a", 1, 1);
    await expect(q.acquire("m", "b", 1, 1)).rejects.toBeInstanceOf(QueueTimeoutError);
    const ac = new AbortController();
    const p = q.acquire("m", "c", 1, 1, ac.signal);
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(QueueAbortedError);
    expect(q.queued("m")).toBe(0);
    hold.done(10);
    hold.done(10); // idempotent
    expect(q.inFlight("m")).toBe(0);
    const again = await q.acquire("m", "b", 1, 1);
    expect(q.inFlight("m")).toBe(1);
    again.done(0);
  });
});
