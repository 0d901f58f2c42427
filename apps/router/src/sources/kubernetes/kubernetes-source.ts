// Kubernetes mode: informers (list + watch) for ModelRoute, ModelServer and Pod. client-node's
// ListWatch emits `error` and stops on anything but a watch timeout or 410 Gone, so each informer is
// wrapped: restart with jittered, capped exponential backoff; a full re-list on a resync period; and
// a staleness report for /readyz when an informer has been failing for longer than `staleAfterMs`.
// Any change schedules a debounced, level-triggered rebuild of the routing table from the caches.
import { CoreV1Api, CustomObjectsApi, KubeConfig, makeInformer } from "@kubernetes/client-node";
import type {
  Informer,
  KubernetesListObject,
  KubernetesObject,
  ObjectCache,
} from "@kubernetes/client-node";
import { NETWORKING_API_VERSION } from "@tessera/shared";
import type { Logger } from "pino";
import type { Router, SourceStatus } from "../../router.ts";
import type { ApiKeyObject, ModelRoute, ModelServer, Pod, TenantObject } from "../objects.ts";
import { TESSERA_API_VERSION } from "@tessera/shared/api/tessera/index";
import { validateObject } from "../validate.ts";

export interface KubernetesSourceOptions {
  /** Watch one namespace; all namespaces when omitted. */
  namespace?: string;
  /** Full re-list period. */
  resyncMs?: number;
  /** An informer failing for longer than this makes /readyz fail. */
  staleAfterMs?: number;
  debounceMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  kubeConfig?: KubeConfig;
}

export type AnyInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

export class ResilientInformer {
  readonly kind: string;
  readonly #make: () => AnyInformer;
  readonly #onChange: () => void;
  readonly #log: Logger;
  readonly #base: number;
  readonly #max: number;
  #inf: AnyInformer | null = null;
  #failures = 0;
  #retry: NodeJS.Timeout | null = null;
  #stopped = false;
  synced = false;
  /** ms when the current failure streak started, 0 when healthy */
  failingSince = 0;
  lastError: string | null = null;

  constructor(
    kind: string,
    make: () => AnyInformer,
    onChange: () => void,
    log: Logger,
    base: number,
    max: number,
  ) {
    this.kind = kind;
    this.#make = make;
    this.#onChange = onChange;
    this.#log = log;
    this.#base = base;
    this.#max = max;
  }

  list(): readonly KubernetesObject[] {
    return this.#inf?.list() ?? [];
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    const inf = this.#make();
    // During a resync the old informer stays current until the new one has listed.
    if (this.#inf === null || this.failingSince !== 0) this.#inf = inf;
    const changed = () => {
      if (this.#inf === inf) this.#onChange();
    };
    inf.on("add", changed);
    inf.on("update", changed);
    inf.on("delete", changed);
    inf.on("connect", () => {
      if (this.#inf !== inf) return;
      this.failingSince = 0;
      this.#failures = 0;
    });
    inf.on("error", (err: unknown) => {
      if (this.#inf !== inf) return;
      this.#fail(err);
    });
    try {
      await inf.start();
      const old = this.#inf;
      this.#inf = inf;
      if (old !== null && old !== inf) void old.stop().catch(() => undefined);
      this.synced = true;
      this.failingSince = 0;
      this.#failures = 0;
      this.#onChange();
    } catch (err) {
      if (this.#inf === inf) this.#fail(err);
      else void inf.stop().catch(() => undefined);
    }
  }

  #fail(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    if (this.failingSince === 0) this.failingSince = Date.now();
    this.#failures++;
    const delay = Math.min(this.#max, this.#base * 2 ** Math.min(this.#failures - 1, 16));
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.#log.warn(
      { kind: this.kind, err: this.lastError, retryInMs: Math.round(jittered) },
      "informer failed; restarting",
    );
    void this.#inf?.stop().catch(() => undefined);
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.start();
    }, jittered);
    this.#retry.unref();
  }

  /** Level-triggered full re-list: a fresh informer replaces the old one once it has listed. */
  async resync(): Promise<void> {
    if (this.#stopped || this.failingSince !== 0) return;
    await this.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    await this.#inf?.stop().catch(() => undefined);
  }
}

export class KubernetesSource implements SourceStatus {
  readonly name = "kubernetes";
  readonly #router: Router;
  readonly #log: Logger;
  readonly #opts: Required<Omit<KubernetesSourceOptions, "namespace" | "kubeConfig">> & {
    namespace: string | undefined;
  };
  readonly #informers: ResilientInformer[];
  #debounce: NodeJS.Timeout | null = null;
  #resync: NodeJS.Timeout | null = null;
  #staleTimer: NodeJS.Timeout | null = null;

  constructor(router: Router, opts: KubernetesSourceOptions = {}) {
    this.#router = router;
    this.#log = router.logger.child({ source: "kubernetes" });
    this.#opts = {
      namespace: opts.namespace,
      resyncMs: opts.resyncMs ?? 5 * 60_000,
      staleAfterMs: opts.staleAfterMs ?? 60_000,
      debounceMs: opts.debounceMs ?? 50,
      backoffBaseMs: opts.backoffBaseMs ?? 500,
      backoffMaxMs: opts.backoffMaxMs ?? 30_000,
    };
    const kc = opts.kubeConfig ?? defaultKubeConfig();
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const ns = this.#opts.namespace;
    const [group = "", version = ""] = NETWORKING_API_VERSION.split("/");
    const crdPath = (plural: string) =>
      ns === undefined
        ? `/apis/${group}/${version}/${plural}`
        : `/apis/${group}/${version}/namespaces/${ns}/${plural}`;
    const listCustom = (plural: string) => () =>
      (ns === undefined
        ? custom.listClusterCustomObject({ group, version, plural })
        : custom.listNamespacedCustomObject({ group, version, namespace: ns, plural })) as Promise<
        KubernetesListObject<KubernetesObject>
      >;
    const listPods = () =>
      (ns === undefined
        ? core.listPodForAllNamespaces()
        : core.listNamespacedPod({ namespace: ns })) as Promise<
        KubernetesListObject<KubernetesObject>
      >;
    const onChange = () => this.#schedule();
    const mk = (
      kind: string,
      path: string,
      list: () => Promise<KubernetesListObject<KubernetesObject>>,
    ) =>
      new ResilientInformer(
        kind,
        () => makeInformer(kc, path, list),
        onChange,
        this.#log,
        this.#opts.backoffBaseMs,
        this.#opts.backoffMaxMs,
      );
    this.#informers = [
      mk("ModelRoute", crdPath("modelroutes"), listCustom("modelroutes")),
      mk("ModelServer", crdPath("modelservers"), listCustom("modelservers")),
      mk("Pod", ns === undefined ? "/api/v1/pods" : `/api/v1/namespaces/${ns}/pods`, listPods),
    ];
    // Tenancy on: also watch Tenant and ApiKey (tessera.io/v1alpha1). The informer caches keep the
    // last known objects, so enforcement continues while the API server (or central API) is away.
    if (router.tenancy !== null) {
      const [tg = "", tv = ""] = TESSERA_API_VERSION.split("/");
      const tPath = (plural: string) =>
        ns === undefined
          ? `/apis/${tg}/${tv}/${plural}`
          : `/apis/${tg}/${tv}/namespaces/${ns}/${plural}`;
      const tList = (plural: string) => () =>
        (ns === undefined
          ? custom.listClusterCustomObject({ group: tg, version: tv, plural })
          : custom.listNamespacedCustomObject({
              group: tg,
              version: tv,
              namespace: ns,
              plural,
            })) as Promise<KubernetesListObject<KubernetesObject>>;
      this.#informers.push(
        mk("Tenant", tPath("tenants"), tList("tenants")),
        mk("ApiKey", tPath("apikeys"), tList("apikeys")),
      );
    }
  }

  problem(): string | null {
    const now = Date.now();
    for (const inf of this.#informers) {
      if (!inf.synced)
        return `${inf.kind} informer not synced${inf.lastError !== null ? ` (${inf.lastError})` : ""}`;
      if (inf.failingSince !== 0 && now - inf.failingSince > this.#opts.staleAfterMs) {
        return `${inf.kind} informer failing for ${Math.round((now - inf.failingSince) / 1000)}s: ${inf.lastError ?? ""}`;
      }
    }
    return null;
  }

  async start(): Promise<void> {
    this.#router.sources.push(this);
    await Promise.all(this.#informers.map((i) => i.start()));
    this.rebuild();
    this.#resync = setInterval(() => {
      void Promise.all(this.#informers.map((i) => i.resync())).then(() => this.rebuild());
    }, this.#opts.resyncMs);
    this.#resync.unref();
    this.#staleTimer = setInterval(() => {
      const now = Date.now();
      for (const inf of this.#informers) {
        this.#router.metrics.sourceStaleness.set(
          { source: `kubernetes/${inf.kind}` },
          inf.failingSince === 0 ? 0 : (now - inf.failingSince) / 1000,
        );
      }
    }, 1_000);
    this.#staleTimer.unref();
  }

  #schedule(): void {
    if (this.#debounce !== null) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = null;
      this.rebuild();
    }, this.#opts.debounceMs);
    this.#debounce.unref();
  }

  /** Rebuilds the routing table from the informer caches; invalid objects are skipped with a warning. */
  rebuild(): void {
    const [routes, servers, pods, tenants, apiKeys] = this.#informers.map((i) => i.list()) as [
      readonly KubernetesObject[],
      readonly KubernetesObject[],
      readonly KubernetesObject[],
      readonly KubernetesObject[] | undefined,
      readonly KubernetesObject[] | undefined,
    ];
    const valid = <T>(
      kind: "ModelRoute" | "ModelServer" | "Tenant" | "ApiKey",
      objs: readonly KubernetesObject[],
    ): T[] => {
      const out: T[] = [];
      for (const o of objs) {
        try {
          out.push(
            validateObject(
              kind,
              stripServerFields(o),
              `${kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`,
            ) as T,
          );
        } catch (err) {
          this.#log.warn({ err: (err as Error).message }, "skipping invalid object");
        }
      }
      return out;
    };
    const table = this.#router.applySnapshot({
      modelRoutes: valid<ModelRoute>("ModelRoute", routes),
      modelServers: valid<ModelServer>("ModelServer", servers),
      pods: pods as unknown as Pod[],
      ...(tenants !== undefined && apiKeys !== undefined
        ? {
            tenants: valid<TenantObject>("Tenant", tenants),
            apiKeys: valid<ApiKeyObject>("ApiKey", apiKeys),
          }
        : {}),
    });
    this.#router.metrics.reloads.inc({ kind: "objects", result: "ok" });
    this.#log.debug(
      { version: table.version, endpoints: this.#router.pool.size },
      "routing table rebuilt",
    );
  }

  async stop(): Promise<void> {
    if (this.#debounce !== null) clearTimeout(this.#debounce);
    if (this.#resync !== null) clearInterval(this.#resync);
    if (this.#staleTimer !== null) clearInterval(this.#staleTimer);
    await Promise.all(this.#informers.map((i) => i.stop()));
  }
}

/** Server-populated metadata the strict manifest schema does not need (and status, which is empty). */
function stripServerFields(o: KubernetesObject): unknown {
  const obj = o as unknown as Record<string, unknown>;
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const keep: Record<string, unknown> = {};
  for (const k of [
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
  ]) {
    const v = meta[k];
    if (v !== undefined) keep[k] = v instanceof Date ? v.toISOString() : v;
  }
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: keep, spec: obj.spec };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
