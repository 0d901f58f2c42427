// A small HTTP load generator on undici: open loop at a fixed rate (latency measured from each
// request's *scheduled* send time, so a stalled proxy cannot hide its queueing — no coordinated
// omission) and closed loop at N connections for the maximum request rate.
import { Pool } from "undici";

export interface LoadTarget {
  origin: string;
  path: string;
  body: string;
  /** Extra request headers (e.g. an API key). */
  headers?: Record<string, string> | undefined;
}

export interface OpenLoopResult {
  /** Milliseconds per completed request (send to last byte), sorted. */
  latenciesMs: Float64Array;
  errors: number;
  achievedRps: number;
}

async function one(pool: Pool, t: LoadTarget): Promise<boolean> {
  try {
    const r = await pool.request({
      method: "POST",
      path: t.path,
      headers: { "content-type": "application/json", ...t.headers },
      body: t.body,
    });
    await r.body.dump({ limit: Infinity });
    return r.statusCode === 200;
  } catch {
    return false;
  }
}

export async function openLoop(
  t: LoadTarget,
  o: { rate: number; durationS: number; warmupS: number; connections?: number },
): Promise<OpenLoopResult> {
  const pool = new Pool(t.origin, { connections: o.connections ?? 64, pipelining: 1 });
  try {
    const total = Math.round(o.rate * (o.durationS + o.warmupS));
    const warm = Math.round(o.rate * o.warmupS);
    const lat: number[] = [];
    let errors = 0;
    let sent = 0;
    const pending: Promise<void>[] = [];
    const t0 = performance.now() + 5;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (sent < total && t0 + (sent * 1000) / o.rate <= now) {
          const i = sent++;
          const due = t0 + (i * 1000) / o.rate;
          pending.push(
            one(pool, t).then((ok) => {
              if (i < warm) return;
              if (ok) lat.push(performance.now() - due);
              else errors++;
            }),
          );
        }
        if (sent < total) setTimeout(tick, 0);
        else resolve();
      };
      tick();
    });
    await Promise.all(pending);
    const measured = total - warm;
    return {
      latenciesMs: Float64Array.from(lat).sort(),
      errors,
      achievedRps: measured / o.durationS,
    };
  } finally {
    await pool.close();
  }
}

export async function closedLoop(
  t: LoadTarget,
  o: { connections: number; durationS: number; warmupS: number },
): Promise<{ rps: number; errors: number }> {
  const pool = new Pool(t.origin, { connections: o.connections, pipelining: 1 });
  try {
    let stop = false;
    let counting = false;
    let done = 0;
    let errors = 0;
    const worker = async () => {
      while (!stop) {
        const ok = await one(pool, t);
        if (counting) {
          if (ok) done++;
          else errors++;
        }
      }
    };
    const workers = Array.from({ length: o.connections }, worker);
    await new Promise((r) => setTimeout(r, o.warmupS * 1000));
    counting = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, o.durationS * 1000));
    counting = false;
    const dt = (performance.now() - t0) / 1000;
    stop = true;
    await Promise.all(workers);
    return { rps: done / dt, errors };
  } finally {
    await pool.close();
  }
}
