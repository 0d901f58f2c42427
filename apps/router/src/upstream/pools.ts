// One undici Pool per upstream origin, shared by proxy traffic and metric scrapes (keep-alive).
// Pools are created lazily and closed when their endpoint leaves the pool (after in-flight requests
// finish: Pool.close waits for them).
import { Pool } from "undici";

export interface UpstreamPoolOptions {
  /** Max sockets per origin. */
  connections: number;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
}

export const DEFAULT_POOL_OPTIONS: UpstreamPoolOptions = {
  connections: 512,
  keepAliveTimeoutMs: 30_000,
  connectTimeoutMs: 2_000,
};

export class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #opts: UpstreamPoolOptions;

  constructor(opts: Partial<UpstreamPoolOptions> = {}) {
    this.#opts = { ...DEFAULT_POOL_OPTIONS, ...opts };
  }

  get(origin: string): Pool {
    let p = this.#pools.get(origin);
    if (p === undefined) {
      p = new Pool(origin, {
        connections: this.#opts.connections,
        pipelining: 1,
        keepAliveTimeout: this.#opts.keepAliveTimeoutMs,
        connect: { timeout: this.#opts.connectTimeoutMs },
        // Per-request timeouts are set by the caller; a stream may legitimately idle for long.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.#pools.set(origin, p);
    }
    return p;
  }

  /** GET over the origin's pool (metric scrapes): status and the whole body as text. */
  async fetchText(
    origin: string,
    path: string,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const res = await this.get(origin).request({
      method: "GET",
      path,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  release(origin: string): void {
    const p = this.#pools.get(origin);
    if (p === undefined) return;
    this.#pools.delete(origin);
    p.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }

  async destroy(): Promise<void> {
    const all = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(all.map((p) => p.destroy()));
  }
}
