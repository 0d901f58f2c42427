import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";
import { WorkQueue } from "./workqueue.ts";

describe("WorkQueue", () => {
  it("de-duplicates keys that are waiting", async () => {
    const q = new WorkQueue();
    q.add("a");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect(await q.get()).toBe("a");
    expect(await q.get()).toBe("b");
  });

  it("never hands out a key that is being processed; re-queues it once when done", async () => {
    const q = new WorkQueue();
    q.add("a");
    const k = await q.get();
    q.add("a");
    q.add("a");
    expect(q.length).toBe(0);
    let second: string | undefined;
    void q.get().then((x) => (second = x));
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(k ?? "");
    await Promise.resolve();
    expect(second).toBe("a");
  });

  it("reports latency from add to hand-out and depth", async () => {
    let t = 0;
    const latencies: number[] = [];
    const depths: number[] = [];
    const q = new WorkQueue({
      now: () => t,
      onLatency: (s) => latencies.push(s),
      onDepth: (d) => depths.push(d),
    });
    q.add("a");
    t = 1500;
    await q.get();
    expect(latencies).toEqual([1.5]);
    expect(depths).toEqual([1, 0]);
  });

  it("rate-limited requeue backs off exponentially per key and forget resets it", () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 50 });
    expect([
      q.addRateLimited("a"),
      q.addRateLimited("a"),
      q.addRateLimited("a"),
      q.addRateLimited("a"),
    ]).toEqual([10, 20, 40, 50]);
    expect(q.addRateLimited("b")).toBe(10);
    q.forget("a");
    expect(q.failuresOf("a")).toBe(0);
    q.shutdown();
  });

  it("addAfter delivers later", async () => {
    const q = new WorkQueue();
    q.addAfter("x", 20);
    expect(q.length).toBe(0);
    expect(await q.get()).toBe("x");
  });

  it("shutdown releases waiting workers", async () => {
    const q = new WorkQueue();
    const p = q.get();
    q.shutdown();
    expect(await p).toBeUndefined();
    q.add("a");
    expect(await q.get()).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("doubles up to the cap, with jitter inside [d·(1-j), d]", () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, { baseMs: 100, maxMs: 500 }))).toEqual([
      100, 200, 400, 500, 500,
    ]);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 0 })).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 1 })).toBe(800);
  });
});
