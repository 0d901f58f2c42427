// The routing table: an immutable, compiled view of ModelRoutes, ModelServers and their ready
// endpoints. A source change builds a new table and swaps one reference, so a request in flight keeps
// the table it started with and reloads never drop requests.
import type { IncomingHttpHeaders } from "node:http";
import { durationToMs } from "@tessera/shared/api/common/duration";
import type { EndpointPool, EndpointSpec, EndpointState } from "../endpoints/pool.ts";
import { endpointId } from "../endpoints/pool.ts";
import type { ModelRoute, ModelServer, ObjectSnapshot, Pod } from "../sources/objects.ts";
import { isPodReady } from "../sources/objects.ts";
import type { CompiledMatch } from "./match.ts";
import { compileMatch, testMatch } from "./match.ts";

export type ConnectorType = "http" | "nixl" | "mooncake" | "lmcache" | "sglang";

export interface PdGroups {
  readonly groupKey: string;
  /** group value → endpoints of each role */
  readonly groups: ReadonlyMap<string, { prefill: EndpointState[]; decode: EndpointState[] }>;
  /** every decode endpoint that has a group value */
  readonly decode: readonly EndpointState[];
  /** endpoint id → group value */
  readonly groupOf: ReadonlyMap<string, string>;
}

export interface ServerEntry {
  /** `namespace/name` */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly engine: string;
  /** Rewrite target (`spec.model`), null = keep the request's model. */
  readonly model: string | null;
  readonly port: number;
  /** Header-wait bound for upstream requests, 0 = none. */
  readonly timeoutMs: number;
  /** `trafficPolicy.retry`: null = try the ranked candidates in order without waiting. */
  readonly retry: { readonly attempts: number; readonly intervalMs: number } | null;
  readonly connector: ConnectorType;
  /** All ready endpoints (aggregated serving). */
  readonly endpoints: readonly EndpointState[];
  readonly pd: PdGroups | null;
}

export interface CompiledTarget {
  readonly serverKey: string | null;
  readonly externalProvider: string | null;
  /** Cumulative weight (for weighted choice). */
  readonly upto: number;
}

export interface CompiledRule {
  readonly name: string;
  readonly headers: readonly (readonly [string, CompiledMatch])[];
  readonly uri: CompiledMatch | null;
  readonly bodyModel: string | null;
  readonly targets: readonly CompiledTarget[];
  readonly totalWeight: number;
}

export interface CompiledRoute {
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly modelName: string;
  readonly loraAdapters: readonly string[];
  readonly rules: readonly CompiledRule[];
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly rule: CompiledRule;
  readonly server: ServerEntry | null;
  /** Set when the chosen target names a server the table does not know (404) or an external provider. */
  readonly missingTarget: string | null;
  readonly isLora: boolean;
}

export interface RoutingTable {
  readonly version: number;
  readonly byModel: ReadonlyMap<string, readonly CompiledRoute[]>;
  readonly byLora: ReadonlyMap<string, readonly CompiledRoute[]>;
  readonly servers: ReadonlyMap<string, ServerEntry>;
  /** Model names and LoRA adapters for GET /v1/models, sorted. */
  readonly modelIds: readonly string[];
  readonly warnings: readonly string[];
}

export const EMPTY_TABLE: RoutingTable = {
  version: 0,
  byModel: new Map(),
  byLora: new Map(),
  servers: new Map(),
  modelIds: [],
  warnings: [],
};

const DEFAULT_PORTS: Record<string, number> = { vllm: 8000, sglang: 30000, tgi: 80 };
const KNOWN_CONNECTORS = new Set(["http", "nixl", "mooncake", "lmcache"]);

let versionCounter = 0;

export function nsOf(meta: { namespace?: string | undefined }): string {
  return meta.namespace ?? "default";
}

function labelsMatch(
  labels: Readonly<Record<string, string>>,
  want: Readonly<Record<string, string>> | undefined,
): boolean {
  if (want === undefined) return true;
  for (const k in want) if (labels[k] !== want[k]) return false;
  return true;
}

function ts(v: string | Date | null | undefined): number {
  if (v === undefined || v === null) return 0;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(t) ? 0 : t;
}

/** Kthena's order: creationTimestamp, then resourceVersion, then name. */
function compareRoutes(a: ModelRoute, b: ModelRoute): number {
  const ta = ts(a.metadata.creationTimestamp);
  const tb = ts(b.metadata.creationTimestamp);
  if (ta !== tb) return ta - tb;
  const ra = a.metadata.resourceVersion ?? "";
  const rb = b.metadata.resourceVersion ?? "";
  if (ra !== rb) return ra.length !== rb.length ? ra.length - rb.length : ra < rb ? -1 : 1;
  const na = `${nsOf(a.metadata)}/${a.metadata.name ?? ""}`;
  const nb = `${nsOf(b.metadata)}/${b.metadata.name ?? ""}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function compileRoute(r: ModelRoute, warn: (m: string) => void): CompiledRoute {
  const namespace = nsOf(r.metadata);
  const name = r.metadata.name ?? "";
  const key = `${namespace}/${name}`;
  const rules: CompiledRule[] = [];
  (r.spec.rules ?? []).forEach((rule, i) => {
    const ruleName = rule.name ?? `rule-${i}`;
    const onInvalid = (m: string) => warn(`ModelRoute ${key} rule ${ruleName}: ${m}`);
    const targets = rule.targetModels ?? [];
    const weighted = targets.filter((t) => t.weight !== undefined).length;
    if (weighted !== 0 && weighted !== targets.length) {
      warn(
        `ModelRoute ${key} rule ${ruleName}: either all targets carry weights or none; rule skipped`,
      );
      return;
    }
    let upto = 0;
    const compiledTargets: CompiledTarget[] = [];
    for (const t of targets) {
      const w = weighted === 0 ? 1 : Math.max(0, t.weight ?? 0);
      upto += w;
      compiledTargets.push({
        serverKey: t.modelServerName !== undefined ? `${namespace}/${t.modelServerName}` : null,
        externalProvider: t.externalModelProviderName ?? null,
        upto,
      });
    }
    const mm = rule.modelMatch;
    rules.push({
      name: ruleName,
      headers: Object.entries(mm?.headers ?? {}).map(
        ([h, m]) => [h.toLowerCase(), compileMatch(m, onInvalid)] as const,
      ),
      uri: mm?.uri !== undefined ? compileMatch(mm.uri, onInvalid) : null,
      bodyModel: mm?.body?.model ?? null,
      targets: compiledTargets,
      totalWeight: upto,
    });
  });
  return {
    key,
    name,
    namespace,
    modelName: r.spec.modelName ?? "",
    loraAdapters: r.spec.loraAdapters ?? [],
    rules,
  };
}

function buildServer(
  ms: ModelServer,
  pods: readonly Pod[],
  desired: Map<string, EndpointSpec>,
  warn: (m: string) => void,
): {
  entry: Omit<ServerEntry, "endpoints" | "pd">;
  ids: string[];
  pdRoles: Map<string, { role: "prefill" | "decode"; group: string }> | null;
} {
  const namespace = nsOf(ms.metadata);
  const name = ms.metadata.name ?? "";
  const key = `${namespace}/${name}`;
  const engine = ms.spec.inferenceEngine;
  const port = ms.spec.workloadPort?.port ?? DEFAULT_PORTS[engine.toLowerCase()] ?? 8000;
  let timeoutMs = 0;
  const tp = ms.spec.trafficPolicy;
  if (tp?.timeout !== undefined) {
    try {
      timeoutMs = durationToMs(tp.timeout);
    } catch {
      warn(`ModelServer ${key}: invalid trafficPolicy.timeout ${tp.timeout}`);
    }
  }
  let retry: ServerEntry["retry"] = null;
  if (tp?.retry !== undefined) {
    let intervalMs = 100;
    try {
      if (tp.retry.retryInterval !== undefined) intervalMs = durationToMs(tp.retry.retryInterval);
    } catch {
      warn(`ModelServer ${key}: invalid retry.retryInterval ${tp.retry.retryInterval}`);
    }
    retry = { attempts: Math.max(0, tp.retry.attempts ?? 0), intervalMs };
  }
  const declared = ms.spec.kvConnector?.type?.toLowerCase();
  const connector: ConnectorType =
    engine.toLowerCase() === "sglang"
      ? "sglang"
      : declared !== undefined && KNOWN_CONNECTORS.has(declared)
        ? (declared as ConnectorType)
        : "http";

  const sel = ms.spec.workloadSelector;
  const pd = sel.pdGroup;
  const ids: string[] = [];
  const pdRoles =
    pd !== undefined ? new Map<string, { role: "prefill" | "decode"; group: string }>() : null;
  for (const pod of pods) {
    if (nsOf(pod.metadata) !== namespace || !isPodReady(pod)) continue;
    const labels = pod.metadata.labels ?? {};
    if (!labelsMatch(labels, sel.matchLabels)) continue;
    const podName = pod.metadata.name ?? "";
    const id = endpointId(namespace, podName, port);
    if (pd !== undefined && pdRoles !== null) {
      const group = labels[pd.groupKey];
      if (group === undefined) continue;
      // Decode labels are checked first, then prefill labels (Kthena).
      const role = labelsMatch(labels, pd.decodeLabels)
        ? "decode"
        : labelsMatch(labels, pd.prefillLabels)
          ? "prefill"
          : null;
      if (role === null) continue;
      pdRoles.set(id, { role, group });
    }
    ids.push(id);
    if (!desired.has(id)) {
      desired.set(id, {
        namespace,
        podName,
        address: pod.status?.podIP ?? "",
        port,
        protocol: ms.spec.workloadPort?.protocol === "https" ? "https" : "http",
        labels,
        annotations: pod.metadata.annotations ?? {},
        startedAt: ts(pod.status?.startTime),
      });
    }
  }
  return {
    entry: {
      key,
      name,
      namespace,
      engine,
      model: ms.spec.model ?? null,
      port,
      timeoutMs,
      retry,
      connector,
    },
    ids,
    pdRoles,
  };
}

/** Builds a new table from a snapshot and syncs the endpoint pool to the ready pods it selects. */
export function buildRoutingTable(
  snapshot: ObjectSnapshot,
  pool: EndpointPool,
  onWarning?: (m: string) => void,
): RoutingTable {
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    onWarning?.(m);
  };
  const desired = new Map<string, EndpointSpec>();
  const built = snapshot.modelServers.map((ms) => buildServer(ms, snapshot.pods, desired, warn));
  const live = pool.sync(desired);
  const servers = new Map<string, ServerEntry>();
  for (const b of built) {
    const eps: EndpointState[] = [];
    for (const id of b.ids) {
      const ep = live.get(id);
      if (ep !== undefined) eps.push(ep);
    }
    let pd: PdGroups | null = null;
    if (b.pdRoles !== null) {
      const groups = new Map<string, { prefill: EndpointState[]; decode: EndpointState[] }>();
      const decode: EndpointState[] = [];
      const groupOf = new Map<string, string>();
      for (const ep of eps) {
        const r = b.pdRoles.get(ep.id);
        if (r === undefined) continue;
        groupOf.set(ep.id, r.group);
        let g = groups.get(r.group);
        if (g === undefined) {
          g = { prefill: [], decode: [] };
          groups.set(r.group, g);
        }
        g[r.role].push(ep);
        if (r.role === "decode") decode.push(ep);
      }
      const groupKey = snapshot.modelServers.find(
        (m) => `${nsOf(m.metadata)}/${m.metadata.name ?? ""}` === b.entry.key,
      )?.spec.workloadSelector.pdGroup?.groupKey;
      pd = { groupKey: groupKey ?? "", groups, decode, groupOf };
    }
    servers.set(b.entry.key, { ...b.entry, endpoints: eps, pd });
  }

  const byModel = new Map<string, CompiledRoute[]>();
  const byLora = new Map<string, CompiledRoute[]>();
  const sorted = [...snapshot.modelRoutes].sort(compareRoutes);
  const ids = new Set<string>();
  for (const r of sorted) {
    if ((r.spec.parentRefs ?? []).length > 0) {
      // Routes bound to Gateways only match traffic that came through one; this router has no
      // Gateway listeners yet, so such a route is inert (as in Kthena without --enable-gateway-api).
      warn(
        `ModelRoute ${nsOf(r.metadata)}/${r.metadata.name ?? ""}: has parentRefs (Gateway API not supported yet); ignored`,
      );
      continue;
    }
    const c = compileRoute(r, warn);
    if (c.modelName !== "") {
      pushTo(byModel, c.modelName, c);
      ids.add(c.modelName);
    }
    for (const l of c.loraAdapters) {
      pushTo(byLora, l, c);
      ids.add(l);
    }
  }
  return {
    version: ++versionCounter,
    byModel,
    byLora,
    servers,
    modelIds: [...ids].sort(),
    warnings,
  };
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a === undefined) m.set(k, [v]);
  else a.push(v);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function ruleMatches(
  rule: CompiledRule,
  model: string,
  headers: IncomingHttpHeaders,
  path: string,
): boolean {
  if (rule.bodyModel !== null && rule.bodyModel !== model) return false;
  for (let i = 0; i < rule.headers.length; i++) {
    const h = rule.headers[i];
    if (h === undefined || !testMatch(h[1], headerValue(headers, h[0]))) return false;
  }
  return rule.uri === null || testMatch(rule.uri, path);
}

function pickTarget(rule: CompiledRule, random: number): CompiledTarget | null {
  if (rule.totalWeight <= 0) return null;
  const r = random * rule.totalWeight;
  const ts = rule.targets;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (t !== undefined && r < t.upto) return t;
  }
  return ts[ts.length - 1] ?? null;
}

/**
 * Finds the route for a request: exact model-name index first, then the LoRA index; within a
 * route the first matching rule wins; a rule whose weights total 0 is skipped.
 */
export function matchRoute(
  table: RoutingTable,
  model: string,
  headers: IncomingHttpHeaders,
  path: string,
  random: () => number,
): RouteMatch | null {
  const byName = table.byModel.get(model);
  if (byName !== undefined) {
    const m = matchIn(table, byName, model, headers, path, random, false);
    if (m !== null) return m;
  }
  const byLora = table.byLora.get(model);
  if (byLora !== undefined) return matchIn(table, byLora, model, headers, path, random, true);
  return null;
}

function matchIn(
  table: RoutingTable,
  routes: readonly CompiledRoute[],
  model: string,
  headers: IncomingHttpHeaders,
  path: string,
  random: () => number,
  isLora: boolean,
): RouteMatch | null {
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    if (route === undefined) continue;
    for (let j = 0; j < route.rules.length; j++) {
      const rule = route.rules[j];
      if (rule === undefined || !ruleMatches(rule, model, headers, path)) continue;
      const t = pickTarget(rule, random());
      if (t === null) continue;
      if (t.serverKey === null) {
        return {
          route,
          rule,
          server: null,
          missingTarget: `ExternalModelProvider ${t.externalProvider ?? ""}`,
          isLora,
        };
      }
      const server = table.servers.get(t.serverKey) ?? null;
      return {
        route,
        rule,
        server,
        missingTarget: server === null ? `ModelServer ${t.serverKey}` : null,
        isLora,
      };
    }
  }
  return null;
}
