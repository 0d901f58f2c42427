// What the routers of a cluster see and decide: endpoints with their engine metrics, and recent
// scheduling decisions with every candidate's scores. Each router answers on its own; one that
// cannot be reached is reported in `routers` and the others still answer.
import { z } from "zod";
import { listRouterEndpoints } from "../clusters/kube.ts";
import type { RouterService } from "../clusters/kube.ts";
import type { ClusterRegistry } from "../clusters/registry.ts";
import {
  DebugDecisionSchema,
  DebugEndpointSchema,
  DebugRoutesSchema,
  readRouterDebug,
  routerVia,
} from "../clusters/router-debug.ts";
import type { ClustersService } from "./clusters.ts";

export interface RouterReadStatus {
  /** `namespace/name` of the router's Service. */
  router: string;
  via: "admin-url" | "service-proxy";
  ok: boolean;
  error?: string;
}

export interface RoutingEndpoint {
  router: string;
  /** `namespace/name` of the ModelServer whose pool holds the endpoint (null if unknown). */
  modelServer: string | null;
  /** `ip:port` */
  endpoint: string;
  /** `namespace/pod` */
  pod?: string;
  healthy: boolean;
  /** Engine-reported; null when the engine does not report it. */
  running: number | null;
  waiting: number | null;
  /** KV-cache utilisation 0..1. */
  kvCacheUsage: number | null;
  prefixHitRate?: number | null;
  /** Mean TTFT over the router's last scrape interval. */
  ttftMs?: number | null;
  /** Requests this router has in flight to the endpoint. */
  inFlight: number;
  /** Age of the engine metrics; null if never scraped. */
  metricsAgeMs: number | null;
}

export interface RoutingCandidate {
  /** Endpoint id as the router names it (`namespace/pod:port`). */
  pod: string;
  total: number;
  /** Raw score per scorer plugin. */
  scores: Record<string, number>;
}

export interface RoutingDecision {
  router: string;
  at: string;
  requestId: string;
  model: string;
  modelServer: string | null;
  profile: string | null;
  /** Endpoints picked (prefill/decode: both). */
  picked: string[];
  candidates: RoutingCandidate[];
}

/** "ns/pod:port" → "ns/pod" */
const podOf = (id: string): string | undefined => {
  const i = id.lastIndexOf(":");
  return i > 0 && id.includes("/") ? id.slice(0, i) : undefined;
};

const hostPort = (origin: string): string => origin.replace(/^[a-z]+:\/\//, "").replace(/\/$/, "");

export function routingService(deps: {
  registry: ClusterRegistry;
  clusters: ClustersService;
  timeoutMs: number;
}) {
  const { registry, clusters, timeoutMs } = deps;

  /** Runs `read` against every router of the cluster in parallel; failures become statuses. */
  async function eachRouter<T>(
    clusterId: string,
    read: (r: RouterService, name: string) => Promise<T[]>,
  ): Promise<{ routers: RouterReadStatus[]; items: T[] }> {
    await clusters.get(clusterId);
    const list = await registry.call(
      clusterId,
      "list routers",
      (kc) => listRouterEndpoints(kc),
      timeoutMs,
    );
    const results = await Promise.all(
      list.map(async (r) => {
        const name = `${r.namespace}/${r.name}`;
        const status: RouterReadStatus = { router: name, via: routerVia(r), ok: true };
        try {
          return { status, items: await read(r, name) };
        } catch (e) {
          return {
            status: { ...status, ok: false, error: e instanceof Error ? e.message : String(e) },
            items: [] as T[],
          };
        }
      }),
    );
    return { routers: results.map((x) => x.status), items: results.flatMap((x) => x.items) };
  }

  return {
    async endpoints(input: {
      clusterId: string;
      namespace?: string | undefined;
      modelServer?: string | undefined;
    }): Promise<{ routers: RouterReadStatus[]; endpoints: RoutingEndpoint[] }> {
      const { kc } = await registry.handle(input.clusterId);
      const { routers, items } = await eachRouter(input.clusterId, async (r, router) => {
        const [rawEndpoints, rawRoutes] = await Promise.all([
          readRouterDebug(kc, r, "endpoints"),
          readRouterDebug(kc, r, "routes").catch(() => ({ servers: [] })),
        ]);
        const eps = z.array(DebugEndpointSchema).parse(rawEndpoints);
        const serverOf = new Map<string, string>();
        for (const s of DebugRoutesSchema.parse(rawRoutes).servers)
          for (const id of s.endpoints) serverOf.set(id, s.key);
        return eps.map((ep): RoutingEndpoint => {
          const m = ep.metrics;
          const pod = podOf(ep.id);
          return {
            router,
            modelServer: serverOf.get(ep.id) ?? null,
            endpoint: hostPort(ep.origin),
            ...(pod ? { pod } : {}),
            healthy: ep.healthy,
            running: m.running,
            waiting: m.waiting,
            kvCacheUsage: m.kvCacheUsage,
            prefixHitRate: m.prefixHitRate ?? null,
            ttftMs: m.ttftSeconds === null ? null : Math.round(m.ttftSeconds * 1e4) / 10,
            inFlight: ep.inFlight,
            metricsAgeMs: m.ageMs,
          };
        });
      });
      const wantServer = input.modelServer;
      const endpoints = items.filter((e) => {
        const ns = e.modelServer?.split("/")[0] ?? e.pod?.split("/")[0];
        if (input.namespace && ns !== input.namespace) return false;
        if (
          wantServer &&
          e.modelServer !== wantServer &&
          e.modelServer?.split("/")[1] !== wantServer
        )
          return false;
        return true;
      });
      return { routers, endpoints };
    },

    async decisions(input: {
      clusterId: string;
      limit: number;
    }): Promise<{ routers: RouterReadStatus[]; decisions: RoutingDecision[] }> {
      const { kc } = await registry.handle(input.clusterId);
      const { routers, items } = await eachRouter(input.clusterId, async (r, router) => {
        const raw = await readRouterDebug(kc, r, "decisions");
        return z
          .array(DebugDecisionSchema)
          .parse(raw)
          .map((d): RoutingDecision => ({
            router,
            at: d.at,
            requestId: d.requestId,
            model: d.model,
            modelServer: d.modelServer,
            profile: d.profile,
            picked: d.picked,
            candidates: d.candidates.map((c) => ({
              pod: c.endpoint,
              total: c.total,
              scores: c.scores,
            })),
          }));
      });
      // Newest first across routers.
      const decisions = items.sort((a, b) => b.at.localeCompare(a.at)).slice(0, input.limit);
      return { routers, decisions };
    },
  };
}
export type RoutingService = ReturnType<typeof routingService>;
