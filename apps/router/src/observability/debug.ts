// Debug views: the compiled routes, the endpoints with their current metrics and counters, and a
// bounded ring of the last scheduling decisions with per-plugin scores.
import type { DecisionRecord, DecisionSink, LoggedDecision } from "../scheduling/scheduler.ts";
import type { RoutingTable } from "../routing/table.ts";
import type { EndpointPool } from "../endpoints/pool.ts";
import type { Scheduler } from "../scheduling/scheduler.ts";

export class DecisionRing implements DecisionSink {
  readonly enabled: boolean;
  readonly #buf: (LoggedDecision | undefined)[];
  #next = 0;

  constructor(size: number) {
    this.enabled = size > 0;
    this.#buf = new Array<LoggedDecision | undefined>(Math.max(0, size));
  }

  record(d: LoggedDecision): void {
    if (!this.enabled) return;
    this.#buf[this.#next % this.#buf.length] = d;
    this.#next++;
  }

  /** Newest first. */
  list(): DecisionRecord[] {
    const out: DecisionRecord[] = [];
    const n = this.#buf.length;
    for (let i = 1; i <= Math.min(n, this.#next); i++) {
      const d = this.#buf[(this.#next - i + n * 2) % n];
      if (d !== undefined) out.push(d.toRecord());
    }
    return out;
  }
}

export function dumpRoutes(table: RoutingTable): unknown {
  const routes = new Map<string, unknown>();
  for (const list of [...table.byModel.values(), ...table.byLora.values()]) {
    for (const r of list) {
      routes.set(r.key, {
        key: r.key,
        modelName: r.modelName,
        loraAdapters: r.loraAdapters,
        rules: r.rules.map((rule) => ({
          name: rule.name,
          headers: Object.fromEntries(rule.headers.map(([h, m]) => [h, m.value])),
          uri: rule.uri?.value ?? null,
          bodyModel: rule.bodyModel,
          targets: rule.targets.map((t) => ({
            server: t.serverKey,
            externalProvider: t.externalProvider,
            upto: t.upto,
          })),
        })),
      });
    }
  }
  const servers = [...table.servers.values()].map((s) => ({
    key: s.key,
    engine: s.engine,
    model: s.model,
    port: s.port,
    timeoutMs: s.timeoutMs,
    retry: s.retry,
    connector: s.connector,
    endpoints: s.endpoints.map((e) => e.id),
    pdGroups:
      s.pd === null
        ? null
        : Object.fromEntries(
            [...s.pd.groups].map(([g, v]) => [
              g,
              { prefill: v.prefill.map((e) => e.id), decode: v.decode.map((e) => e.id) },
            ]),
          ),
  }));
  return {
    version: table.version,
    routes: [...routes.values()],
    servers,
    warnings: table.warnings,
  };
}

export function dumpEndpoints(pool: EndpointPool): unknown {
  return [...pool.all()].map((ep) => ({
    id: ep.id,
    origin: ep.origin,
    labels: ep.labels,
    inFlight: ep.inFlight,
    healthy: ep.healthy,
    stale: ep.stale,
    metrics: {
      ...ep.metrics,
      models: [...ep.metrics.models],
      ageMs: ep.metrics.updatedAt === 0 ? null : Date.now() - ep.metrics.updatedAt,
    },
  }));
}

export function dumpScheduler(s: Scheduler): unknown {
  return {
    config: s.config,
    profiles: s.profiles().map((p) => ({
      name: p.name,
      maxCandidates: p.maxCandidates,
      filters: p.filters.map((f) => f.plugin.typedName),
      scorers: p.scorers.map((sc) => ({
        ...sc.plugin.typedName,
        weight: sc.weight,
        stats: sc.plugin.stats?.() ?? null,
      })),
      picker: p.picker.plugin.typedName,
    })),
  };
}
