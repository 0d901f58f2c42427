// Reads a router's debug views (/debug/endpoints, /debug/routes, /debug/decisions; see
// apps/router/src/observability/debug.ts). A router in the cluster is reached through the
// apiserver's service proxy on its admin port; a Service annotated `tessera.io/admin-url` is reached
// directly at that URL (routers outside the cluster, e.g. on 127.0.0.x in development and tests,
// which the apiserver refuses to proxy to). The JSON is parsed leniently: unknown fields are ignored
// and a missing number is null, so a newer or older router still shows what it has.
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest } from "@tessera/helm/kube";
import { z } from "zod";
import { withTimeout } from "./errors.ts";
import type { RouterService } from "./kube.ts";

/** Deadline of one debug read; a slow router must not hold up the page. */
export const ROUTER_DEBUG_TIMEOUT_MS = 2000;

const num = z.number().nullable().catch(null);

export const DebugEndpointSchema = z.object({
  id: z.string(),
  origin: z.string(),
  inFlight: z.number().catch(0),
  healthy: z.boolean().catch(false),
  stale: z.boolean().catch(true),
  metrics: z
    .object({
      waiting: num,
      running: num,
      kvCacheUsage: num,
      ttftSeconds: num,
      prefixHitRate: num.optional(),
      ageMs: num,
    })
    .catch({ waiting: null, running: null, kvCacheUsage: null, ttftSeconds: null, ageMs: null }),
});
export type DebugEndpoint = z.output<typeof DebugEndpointSchema>;

export const DebugRoutesSchema = z.object({
  servers: z
    .array(z.object({ key: z.string(), endpoints: z.array(z.string()).catch([]) }))
    .catch([]),
});

export const DebugDecisionSchema = z.object({
  at: z.string(),
  requestId: z.string().catch(""),
  model: z.string().catch(""),
  modelServer: z.string().nullable().catch(null),
  profile: z.string().nullable().catch(null),
  candidates: z
    .array(
      z.object({
        endpoint: z.string(),
        total: z.number().catch(0),
        scores: z.record(z.string(), z.number().catch(0)).catch({}),
      }),
    )
    .catch([]),
  picked: z.union([z.array(z.string()), z.string().transform((s) => [s])]).catch([]),
});
export type DebugDecision = z.output<typeof DebugDecisionSchema>;

export type DebugView = "endpoints" | "routes" | "decisions";

/** How a router is reached: its admin URL annotation, or the apiserver's service proxy. */
export function routerVia(r: RouterService): "admin-url" | "service-proxy" {
  return r.adminUrl ? "admin-url" : "service-proxy";
}

async function directGet(adminUrl: string, view: DebugView, timeoutMs: number): Promise<unknown> {
  let base: URL;
  try {
    base = new URL(adminUrl);
  } catch {
    throw new Error(`annotation tessera.io/admin-url is not a URL: ${JSON.stringify(adminUrl)}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw new Error(`annotation tessera.io/admin-url must be http(s), not ${base.protocol}`);
  const url = `${base.href.replace(/\/$/, "")}/debug/${view}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  } catch (e) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, timeout…) is in the cause.
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const reason =
      err.name === "TimeoutError"
        ? `timed out after ${timeoutMs} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new Error(`GET ${url}: ${reason}`, { cause: e });
  }
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

/** One debug view of one router, within `timeoutMs`. */
export async function readRouterDebug(
  kc: KubeConfig,
  r: RouterService,
  view: DebugView,
  timeoutMs = ROUTER_DEBUG_TIMEOUT_MS,
): Promise<unknown> {
  if (r.adminUrl) return directGet(r.adminUrl, view, timeoutMs);
  if (r.adminPort === null) throw new Error("the Service has no ports");
  const path =
    `/api/v1/namespaces/${encodeURIComponent(r.namespace)}/services/` +
    `${encodeURIComponent(r.name)}:${r.adminPort}/proxy/debug/${view}`;
  return withTimeout(timeoutMs, (signal) => kubeRequest(kc, "GET", path, { signal }));
}
