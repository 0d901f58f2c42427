// The endpoint pool: one mutable EndpointState per (pod, port). Objects survive source reloads so
// router-local counters, scraped metrics and cache affinity are kept across config changes.
import type { EngineMetrics, Endpoint } from "../framework/endpoint.ts";

export interface EndpointSpec {
  readonly namespace: string;
  readonly podName: string;
  readonly address: string;
  readonly port: number;
  /** `workloadPort.protocol` (default http). */
  readonly protocol: "http" | "https";
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startedAt: number;
}

const EMPTY_MODELS: ReadonlySet<string> = new Set();

export function endpointId(namespace: string, podName: string, port: number): string {
  return `${namespace}/${podName}:${port}`;
}

export class EndpointState implements Endpoint {
  readonly id: string;
  readonly namespace: string;
  readonly podName: string;
  readonly address: string;
  readonly port: number;
  readonly origin: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  inFlight = 0;
  metrics: EngineMetrics = {
    waiting: NaN,
    running: NaN,
    kvCacheUsage: NaN,
    kvCapacityTokens: NaN,
    ttftSeconds: NaN,
    tpotSeconds: NaN,
    prefixHitRate: NaN,
    models: EMPTY_MODELS,
    updatedAt: 0,
  };
  stale = true;
  /** Health from scrapes (false after N consecutive failures). */
  scrapeHealthy = true;
  /** Passive health: set by a refused connection, cleared by time. */
  unhealthyUntil = 0;
  startedAt: number;
  // Scraper bookkeeping.
  scraping = false;
  consecutiveFailures = 0;
  prevTtftSum = NaN;
  prevTtftCount = NaN;
  prevTpotSum = NaN;
  prevTpotCount = NaN;
  prevPrefixHits = NaN;
  prevPrefixQueries = NaN;
  removed = false;

  constructor(spec: EndpointSpec) {
    this.id = endpointId(spec.namespace, spec.podName, spec.port);
    this.namespace = spec.namespace;
    this.podName = spec.podName;
    this.address = spec.address;
    this.port = spec.port;
    this.origin = `${spec.protocol}://${spec.address.includes(":") ? `[${spec.address}]` : spec.address}:${spec.port}`;
    this.labels = spec.labels;
    this.annotations = spec.annotations;
    this.startedAt = spec.startedAt;
  }

  get healthy(): boolean {
    return this.scrapeHealthy && this.unhealthyUntil <= Date.now();
  }
}

export type EndpointListener = (ep: EndpointState) => void;

export class EndpointPool {
  readonly #byId = new Map<string, EndpointState>();
  readonly #removeListeners: EndpointListener[] = [];

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): EndpointState | undefined {
    return this.#byId.get(id);
  }

  all(): IterableIterator<EndpointState> {
    return this.#byId.values();
  }

  onRemove(fn: EndpointListener): void {
    this.#removeListeners.push(fn);
  }

  /**
   * Makes the pool equal to `desired` (keyed by endpoint id). An endpoint whose address changed is
   * replaced. Returns the live objects by id.
   */
  sync(desired: ReadonlyMap<string, EndpointSpec>): ReadonlyMap<string, EndpointState> {
    for (const [id, ep] of this.#byId) {
      const want = desired.get(id);
      if (
        want === undefined ||
        want.address !== ep.address ||
        !ep.origin.startsWith(`${want.protocol}:`)
      ) {
        this.#byId.delete(id);
        ep.removed = true;
        for (const fn of this.#removeListeners) fn(ep);
      }
    }
    for (const [id, spec] of desired) {
      const ep = this.#byId.get(id);
      if (ep === undefined) {
        this.#byId.set(id, new EndpointState(spec));
      } else {
        ep.labels = spec.labels;
        ep.annotations = spec.annotations;
        ep.startedAt = spec.startedAt;
      }
    }
    return this.#byId;
  }
}
