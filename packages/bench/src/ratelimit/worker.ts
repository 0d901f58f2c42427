// One "router replica" of the rate-limit benchmark: the router's real quota code (tenantPlan →
// Limiter → RedisStore Lua) in its own process, driven over IPC by the coordinator's fake clock.
import { performance } from "node:perf_hooks";
import { Limiter } from "@tessera/router/tenancy/quota/limiter";
import type { Reservation } from "@tessera/router/tenancy/quota/limiter";
import { tenantPlan } from "@tessera/router/tenancy/quota/plan";
import { RedisStore } from "@tessera/router/tenancy/quota/redis-store";

export type WorkerMsg =
  | {
      op: "reserve";
      seq: number;
      id: string;
      now: number;
      tenant: string;
      limit: number;
      input: number;
      out: number;
    }
  | { op: "progress"; seq: number; id: string; input: number; output: number }
  | { op: "end"; seq: number; id: string; input: number; output: number }
  | { op: "stats"; seq: number }
  | { op: "latency"; seq: number; n: number; tenant: string }
  | { op: "exit"; seq: number };

export interface WorkerReply {
  seq: number;
  ok?: boolean;
  retryAfterMs?: number;
  latenciesUs?: number[];
}

const url = process.argv[2] as string;
const store = new RedisStore(url, { commandTimeoutMs: 2_000 });
// The benchmark measures the limiter, so a Redis failure must be visible: fail closed.
const limiter = new Limiter(store, "closed");
const held = new Map<string, Reservation>();
let lat: number[] = [];

async function handle(m: WorkerMsg): Promise<WorkerReply> {
  switch (m.op) {
    case "reserve": {
      const reserve = { input: m.input, output: m.out };
      const plan = tenantPlan(
        m.tenant,
        { model: "*", totalTokensPerMinute: m.limit, concurrentRequests: 1_000_000 },
        m.now,
        reserve,
        m.id,
        3_600_000,
      );
      const t0 = performance.now();
      const d = await limiter.reserve(m.now, plan, reserve);
      lat.push(Math.round((performance.now() - t0) * 1000));
      if (d.ok) held.set(m.id, d.reservation);
      return { seq: m.seq, ok: d.ok, retryAfterMs: d.ok ? 0 : d.retryAfterMs };
    }
    case "progress":
      await held.get(m.id)?.settle({ input: m.input, output: m.output }, false);
      return { seq: m.seq };
    case "end": {
      const r = held.get(m.id);
      held.delete(m.id);
      await r?.settle({ input: m.input, output: m.output }, true);
      return { seq: m.seq };
    }
    case "stats": {
      const out = lat;
      lat = [];
      return { seq: m.seq, latenciesUs: out };
    }
    case "latency": {
      // Closed loop, one check at a time (then released): the cost of one check on loopback.
      const out: number[] = [];
      const now = Date.now();
      for (let i = 0; i < m.n; i++) {
        const reserve = { input: 500, output: 200 };
        const plan = tenantPlan(
          m.tenant,
          {
            model: "*",
            totalTokensPerMinute: 1e12,
            requestsPerMinute: 1e9,
            concurrentRequests: 1e9,
          },
          now + i,
          reserve,
          `lat${i}`,
          60_000,
        );
        const t0 = performance.now();
        const d = await limiter.reserve(now + i, plan, reserve);
        out.push(Math.round((performance.now() - t0) * 1000));
        if (d.ok) await d.reservation.release();
      }
      return { seq: m.seq, latenciesUs: out };
    }
    case "exit":
      await store.close();
      setImmediate(() => process.exit(0));
      return { seq: m.seq };
  }
}

await store.ready();
process.on("message", (m: WorkerMsg) => {
  void handle(m).then((r) => process.send?.(r));
});
process.send?.({ seq: -1 });
