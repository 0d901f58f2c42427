// The Router: owns the endpoint pool, the routing table, the scheduler, the upstream pools, the
// metric scraper and the HTTP listeners. Sources (file, Kubernetes) push snapshots in with
// applySnapshot(); the scheduler config is swapped with applySchedulerConfig(). Both build the new
// structure first and swap one reference, so requests in flight are never disturbed.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import type { Logger } from "pino";
import { resolveSchedulerConfig } from "./config/loader.ts";
import { MetricScraper } from "./endpoints/scraper.ts";
import type { ScraperOptions } from "./endpoints/scraper.ts";
import { EndpointPool } from "./endpoints/pool.ts";
import type { PluginHandle, PluginHttpRequest, PluginHttpResponse } from "./framework/plugin.ts";
import type { Admitter, UsageHook } from "./framework/request-control.ts";
import { createRouterMetrics } from "./metrics/metrics.ts";
import type { RouterMetrics } from "./metrics/metrics.ts";
import { AccessLog } from "./observability/access-log.ts";
import { DecisionRing } from "./observability/debug.ts";
import type { PdDeciderConfigInput } from "./pd/decider.ts";
import { PdRuntime } from "./pd/runtime.ts";
import { registerBuiltinPlugins } from "./plugins/builtin.ts";
import { EMPTY_TABLE, buildRoutingTable } from "./routing/table.ts";
import type { RoutingTable } from "./routing/table.ts";
import type { PluginRegistry } from "./scheduling/registry.ts";
import { Scheduler } from "./scheduling/scheduler.ts";
import { createHttpServer } from "./server/http-server.ts";
import type { ObjectSnapshot } from "./sources/objects.ts";
import { Tenancy } from "./tenancy/tenancy.ts";
import type { TenancyOptions } from "./tenancy/tenancy.ts";
import { UpstreamPools } from "./upstream/pools.ts";
import type { UpstreamPoolOptions } from "./upstream/pools.ts";

export interface RouterOptions {
  logger?: Logger;
  /** Write one access-log entry per /v1 request (default true). */
  accessLog?: boolean;
  /** Largest accepted request body (default 8 MiB). */
  bodyLimitBytes?: number;
  /** Max wait for the request head (slow headers ⇒ 408). */
  headersTimeoutMs?: number;
  /** Max time to receive the request body (⇒ 408). */
  bodyTimeoutMs?: number;
  /** Upstream header-wait bound when the ModelServer sets no trafficPolicy.timeout (0 = none). */
  upstreamTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  scraper?: Partial<ScraperOptions>;
  pools?: Partial<UpstreamPoolOptions>;
  /** Last scheduling decisions kept for /debug/decisions (0 disables recording). */
  debugDecisions?: number;
  /** Serve /debug/* (default true). */
  debug?: boolean;
  /** How long shutdown waits for in-flight requests and streams. */
  drainTimeoutMs?: number;
  registry?: PluginRegistry;
  random?: () => number;
  /** Admission seam (extra admitters; tenancy adds its own). */
  admitters?: Admitter[];
  /** Tenancy: auth, tenant quotas, ModelRoute rateLimit, fair queue, usage stream. */
  tenancy?: TenancyOptions;
  /** Usage seam: called after every routed response. */
  usageHooks?: UsageHook[];
  /** Include Node process metrics (default true). */
  defaultMetrics?: boolean;
  /** Prefill/decode decider, router-wide and per ModelServer (docs/router.md; default `always`). */
  pd?: PdDeciderConfigInput;
}

export interface ResolvedRouterOptions {
  bodyLimitBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  upstreamTimeoutMs: number;
  keepAliveTimeoutMs: number;
  drainTimeoutMs: number;
  debug: boolean;
}

/** Something that feeds the router and can report whether it is current (for /readyz). */
export interface SourceStatus {
  readonly name: string;
  /** null when fine, else why the router should not be considered ready. */
  problem(): string | null;
}

export class Router {
  readonly logger: Logger;
  readonly metrics: RouterMetrics;
  readonly pool = new EndpointPool();
  readonly pools: UpstreamPools;
  readonly scraper: MetricScraper;
  readonly accessLog: AccessLog;
  readonly decisions: DecisionRing;
  readonly pd: PdRuntime;
  readonly registry: PluginRegistry;
  readonly options: ResolvedRouterOptions;
  readonly random: () => number;
  readonly admitters: Admitter[] | null;
  readonly usageHooks: UsageHook[] | null;
  readonly tenancy: Tenancy | null;
  readonly handle: PluginHandle;
  readonly sources: SourceStatus[] = [];
  table: RoutingTable = EMPTY_TABLE;
  scheduler: Scheduler;
  /** Set once a snapshot has been applied. */
  hasSnapshot = false;
  draining = false;
  inFlightRequests = 0;
  #servers: Server[] = [];

  constructor(opts: RouterOptions = {}) {
    this.logger = opts.logger ?? pino({ name: "tessera-router" });
    this.metrics = createRouterMetrics({ defaultMetrics: opts.defaultMetrics });
    this.pools = new UpstreamPools(opts.pools);
    const upstream = this.pools;
    this.scraper = new MetricScraper(
      this.pool,
      (origin, path, timeoutMs) => upstream.fetchText(origin, path, timeoutMs),
      this.metrics,
      this.logger,
      opts.scraper ?? {},
    );
    this.accessLog = new AccessLog(opts.accessLog === false ? null : this.logger);
    this.decisions = new DecisionRing(opts.debugDecisions ?? 64);
    this.pd = new PdRuntime(opts.pd, this.metrics.registry);
    this.registry = opts.registry ?? registerBuiltinPlugins();
    this.random = opts.random ?? Math.random;
    this.tenancy =
      opts.tenancy !== undefined ? new Tenancy(opts.tenancy, this.metrics.registry) : null;
    const admitters = [
      ...(this.tenancy !== null ? [this.tenancy.admitter] : []),
      ...(opts.admitters ?? []),
    ];
    const usageHooks = [
      ...(this.tenancy !== null ? [this.tenancy.usageHook] : []),
      ...(opts.usageHooks ?? []),
    ];
    this.admitters = admitters.length > 0 ? admitters : null;
    this.usageHooks = usageHooks.length > 0 ? usageHooks : null;
    this.options = {
      bodyLimitBytes: opts.bodyLimitBytes ?? 8 * 1024 * 1024,
      headersTimeoutMs: opts.headersTimeoutMs ?? 10_000,
      bodyTimeoutMs: opts.bodyTimeoutMs ?? 30_000,
      upstreamTimeoutMs: opts.upstreamTimeoutMs ?? 300_000,
      keepAliveTimeoutMs: opts.keepAliveTimeoutMs ?? 65_000,
      drainTimeoutMs: opts.drainTimeoutMs ?? 30_000,
      debug: opts.debug ?? true,
    };
    const pools = this.pools;
    const random = this.random;
    const pool = this.pool;
    this.handle = {
      logger: this.logger,
      now: () => Date.now(),
      random,
      endpoints: () => pool.all(),
      http: (origin: string, r: PluginHttpRequest) => pluginHttp(pools, origin, r),
    };
    this.scheduler = new Scheduler(
      resolveSchedulerConfig({}, this.registry.isPicker),
      this.registry,
      this.handle,
      this.metrics,
    );
    this.pool.onRemove((ep) => {
      for (const p of this.scheduler.profiles()) {
        for (const f of p.filters) f.plugin.endpointRemoved?.(ep.id);
        for (const s of p.scorers) s.plugin.endpointRemoved?.(ep.id);
        p.picker.plugin.endpointRemoved?.(ep.id);
      }
      // Pool.close() lets requests in flight on that origin finish first.
      this.pools.release(ep.origin);
    });
    this.metrics.activeUpstream.set(0);
  }

  /** Builds a routing table from the snapshot and swaps it in. */
  applySnapshot(snapshot: ObjectSnapshot): RoutingTable {
    const table = buildRoutingTable(snapshot, this.pool, (m) => this.logger.warn(m));
    this.table = table;
    this.tenancy?.applySnapshot(snapshot);
    this.hasSnapshot = true;
    return table;
  }

  /**
   * Validates and applies a scheduler config (raw YAML value). Plugin instances whose type, name and
   * parameters are unchanged are kept, with their state. Throws, keeping the old config, if invalid.
   */
  applySchedulerConfig(raw: unknown): Scheduler {
    const resolved = resolveSchedulerConfig(raw, this.registry.isPicker);
    const prev = this.scheduler;
    const next = new Scheduler(resolved, this.registry, this.handle, this.metrics, prev);
    this.scheduler = next;
    void prev.closeUnused(next);
    return next;
  }

  start(): void {
    this.scraper.start();
  }

  /** Problems that make /readyz fail; empty when ready. */
  readiness(): string[] {
    const problems: string[] = [];
    if (this.draining) problems.push("draining");
    if (!this.hasSnapshot) problems.push("no object snapshot yet");
    if (!this.scraper.firstRoundDone) problems.push("first metric scrape not done");
    for (const s of this.sources) {
      const p = s.problem();
      if (p !== null) problems.push(`${s.name}: ${p}`);
    }
    return problems;
  }

  /**
   * Serves the API (and, unless `metricsPort` is given, /metrics) on `port`.
   * @returns the bound port
   */
  async listen(
    port: number,
    host = "0.0.0.0",
    metricsPort?: number,
  ): Promise<{ port: number; metricsPort: number | null }> {
    const separate = metricsPort !== undefined && (metricsPort !== port || port === 0);
    const api = createHttpServer(this, { api: true, admin: !separate });
    const bound = await listenOn(api, port, host);
    this.#servers.push(api);
    let mPort: number | null = null;
    if (separate) {
      const admin = createHttpServer(this, { api: false, admin: true });
      mPort = await listenOn(admin, metricsPort, host);
      this.#servers.push(admin);
    }
    return { port: bound, metricsPort: mPort };
  }

  /**
   * Graceful shutdown: /readyz turns 503, new inference requests get 503, listeners stop accepting,
   * in-flight requests and streams drain (bounded by drainTimeoutMs), then everything closes.
   */
  async close(): Promise<void> {
    this.draining = true;
    this.scraper.stop();
    const closing = this.#servers.map(
      (s) => new Promise<void>((resolve) => s.close(() => resolve())),
    );
    for (const s of this.#servers) s.closeIdleConnections();
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while (this.inFlightRequests > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    for (const s of this.#servers) s.closeAllConnections();
    await Promise.all(closing);
    this.#servers = [];
    await this.scheduler.closeUnused(null);
    await this.pools.destroy();
    await this.tenancy?.close();
  }
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function pluginHttp(
  pools: UpstreamPools,
  origin: string,
  r: PluginHttpRequest,
): Promise<PluginHttpResponse> {
  const res = await pools.get(origin).request({
    method: r.method,
    path: r.path,
    body: r.body,
    headers: r.body !== undefined ? { "content-type": "application/json" } : {},
    headersTimeout: r.timeoutMs,
    bodyTimeout: 0,
    signal: r.signal ?? AbortSignal.timeout(r.timeoutMs * 2),
  });
  return {
    status: res.statusCode,
    body: res.body as AsyncIterable<Buffer>,
    text: () => res.body.text(),
  };
}
