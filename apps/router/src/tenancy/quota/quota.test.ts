import { describe, expect, it } from "vitest";
import { Limiter } from "./limiter.ts";
import type { PlannedOp } from "./limiter.ts";
import { MemoryStore } from "./store.ts";
import type { QuotaStore } from "./store.ts";
import { calendarOp, concurrencyOp, slidingOp } from "./windows.ts";

const T0 = Date.UTC(2026, 0, 31, 23, 59, 0);

describe("MemoryStore sliding window", () => {
  it("admits up to the limit inside any window and frees capacity as buckets leave it", () => {
    const s = new MemoryStore();
    const op = (cost: number) => slidingOp("k", "tpm", 1000, cost, 60_000);
    expect(s.reserveSync(T0, [op(600)]).ok).toBe(true);
    expect(s.reserveSync(T0 + 30_000, [op(400)]).ok).toBe(true);
    const d = s.reserveSync(T0 + 59_000, [op(1)]);
    expect(d.ok).toBe(false);
    // The first 600 leave the window one bucket (500 ms) after T0 + 60 s at the latest.
    expect(d.retryAfterMs).toBeGreaterThan(1_000);
    expect(d.retryAfterMs).toBeLessThanOrEqual(1_500);
    expect(s.reserveSync(T0 + 59_000 + d.retryAfterMs, [op(600)]).ok).toBe(true);
    expect(s.reserveSync(T0 + 59_000 + d.retryAfterMs, [op(1)]).ok).toBe(false);
  });

  it("never admits more than the limit in a true 60 s window at a window edge burst", () => {
    const s = new MemoryStore();
    const admitted: [number, number][] = [];
    for (let t = T0; t < T0 + 180_000; t += 250) {
      const r = s.reserveSync(t, [slidingOp("k", "tpm", 10_000, 333, 60_000)]);
      if (r.ok) admitted.push([t, 333]);
    }
    for (const [start] of admitted) {
      const inWin = admitted.filter(([t]) => t >= start && t < start + 60_000).length * 333;
      expect(inWin).toBeLessThanOrEqual(10_000);
    }
  });

  it("is all-or-nothing across limits", () => {
    const s = new MemoryStore();
    const a = slidingOp("a", "a", 100, 50, 60_000);
    const b = slidingOp("b", "b", 10, 50, 60_000);
    const r = s.reserveSync(T0, [a, b]);
    expect(r.ok).toBe(false);
    expect(r.denied).toBe(1);
    expect(s.slidingSum("a")).toBe(0);
  });
});

describe("calendar and concurrency limits", () => {
  it("resets a day counter at UTC midnight and a month counter at the month boundary", () => {
    const s = new MemoryStore();
    expect(s.reserveSync(T0, [calendarOp("d", "tpd", 100, 100, "d", T0)]).ok).toBe(true);
    expect(s.reserveSync(T0, [calendarOp("d", "tpd", 100, 1, "d", T0)]).ok).toBe(false);
    const d = s.reserveSync(T0, [calendarOp("d", "tpd", 100, 1, "d", T0)]);
    expect(d.retryAfterMs).toBe(60_000); // 23:59 → midnight
    const next = T0 + 60_000; // Feb 1st: new day and new month
    expect(s.reserveSync(next, [calendarOp("d", "tpd", 100, 100, "d", next)]).ok).toBe(true);
    expect(s.reserveSync(T0, [calendarOp("m", "tpmo", 10, 10, "mo", T0)]).ok).toBe(true);
    expect(s.reserveSync(T0, [calendarOp("m", "tpmo", 10, 1, "mo", T0)]).ok).toBe(false);
    expect(s.reserveSync(next, [calendarOp("m", "tpmo", 10, 10, "mo", next)]).ok).toBe(true);
  });

  it("expires a concurrency lease held by a crashed router", () => {
    const s = new MemoryStore();
    expect(s.reserveSync(T0, [concurrencyOp("c", "conc", 1, "r1", 5_000)]).ok).toBe(true);
    expect(s.reserveSync(T0 + 1, [concurrencyOp("c", "conc", 1, "r2", 5_000)]).ok).toBe(false);
    expect(s.reserveSync(T0 + 5_001, [concurrencyOp("c", "conc", 1, "r2", 5_000)]).ok).toBe(true);
  });
});

describe("reserve then settle", () => {
  const plan = (cost: number, id = "r"): PlannedOp[] => [
    { dim: "total", op: slidingOp("tot", "total-tokens-per-minute", 1000, cost, 60_000) },
    { dim: "concurrent", op: concurrencyOp("conc", "concurrent-requests", 2, id, 60_000) },
  ];

  it("settles to actual usage, charges streams incrementally and leaks nothing on abort", async () => {
    const s = new MemoryStore();
    const l = new Limiter(s, "closed");
    const a = await l.reserve(T0, plan(600, "a"), { input: 100, output: 500 });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(s.slidingSum("tot")).toBe(600);
    await a.reservation.settle({ input: 100, output: 50 });
    expect(s.slidingSum("tot")).toBe(150);
    expect(s.inFlight("conc")).toBe(0);
    const b = await l.reserve(T0 + 10, plan(300, "b"), { input: 100, output: 200 });
    if (!b.ok) throw new Error("denied");
    await b.reservation.settle({ input: 100, output: 700 }, false); // stream ran past its reservation
    expect(s.slidingSum("tot")).toBe(150 + 800);
    await b.reservation.settle({ input: 100, output: 10 }, false); // partial never lowers
    expect(s.slidingSum("tot")).toBe(150 + 800);
    const c = await l.reserve(T0 + 20, plan(40, "c"), { input: 20, output: 20 });
    if (!c.ok) throw new Error("denied");
    await c.reservation.release(); // client aborted before any output
    await b.reservation.release({ input: 100, output: 700 });
    expect(s.slidingSum("tot")).toBe(150 + 800);
    expect(s.inFlight("conc")).toBe(0);
    await c.reservation.release(); // idempotent
    expect(s.slidingSum("tot")).toBe(950);
  });

  it("applies the configured fail mode per limit when the store is down", async () => {
    const broken: QuotaStore = {
      name: "broken",
      reserve: () => Promise.reject(new Error("ECONNREFUSED")),
      adjust: () => Promise.reject(new Error("ECONNREFUSED")),
    };
    const errors: string[] = [];
    const hooks = { onStoreError: (_s: string, _e: unknown, m: string) => errors.push(m) };
    const closed = new Limiter(broken, "closed", hooks);
    const d = await closed.reserve(T0, plan(10), { input: 5, output: 5 });
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toBe("store_unavailable");
    const open = new Limiter(broken, "open", hooks);
    expect((await open.reserve(T0, plan(5000), { input: 5, output: 5 })).ok).toBe(true);
    const local = new Limiter(broken, "local", hooks);
    expect((await local.reserve(T0, plan(900, "x"), { input: 5, output: 5 })).ok).toBe(true);
    expect((await local.reserve(T0, plan(900, "y"), { input: 5, output: 5 })).ok).toBe(false);
    expect(errors).toEqual(["closed", "open", "local", "local"]);
  });
});
