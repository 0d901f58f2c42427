// A small JSON client over the apiserver REST API, authenticated exactly like @kubernetes/client-node
// (it reuses the KubeConfig's auth and its cached undici dispatcher). Objects stay raw JSON; writes
// go through server-side apply with one field manager.
import { HttpMethod, RequestContext } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { fetch } from "undici";
import type { KubeObject } from "./types.ts";
import { resourcePath } from "./resources.ts";

export const FIELD_MANAGER = "tessera-controller";

export class KubeError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.name = "KubeError";
    this.status = status;
    this.reason = reason;
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof KubeError && e.status === 404;
}
export function isConflict(e: unknown): boolean {
  return e instanceof KubeError && e.status === 409;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

export interface ListResult<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

export type RequestHook = (method: string, path: string, status: number, seconds: number) => void;

export class KubeClient {
  readonly kc: KubeConfig;
  readonly fieldManager: string;
  onRequest: RequestHook | undefined;

  constructor(kc: KubeConfig, fieldManager = FIELD_MANAGER) {
    this.kc = kc;
    this.fieldManager = fieldManager;
  }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const url = new URL(cluster.server.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: "application/json" };
    if (opts.body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    const started = performance.now();
    const res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      dispatcher: ctx.getDispatcher(),
      signal: opts.signal,
    });
    const text = await res.text();
    this.onRequest?.(method, path, res.status, (performance.now() - started) / 1000);
    if (res.status >= 400) {
      let message = text;
      let reason: string | undefined;
      try {
        const s = JSON.parse(text) as { message?: string; reason?: string };
        message = s.message ?? text;
        reason = s.reason;
      } catch {
        // not a Status object
      }
      throw new KubeError(res.status, `${method} ${path}: ${res.status} ${message}`, reason);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  list<T extends KubeObject>(
    path: string,
    query: RequestOptions["query"] = {},
  ): Promise<ListResult<T>> {
    return this.request<ListResult<T>>("GET", path, { query });
  }

  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>("GET", resourcePath(kind, namespace, name));
  }

  /** Server-side apply (`application/apply-patch+yaml`; JSON is valid YAML) with force, so the controller's intent wins. */
  apply<T extends KubeObject>(
    obj: KubeObject,
    opts: { subresource?: "status"; force?: boolean } = {},
  ): Promise<T> {
    const kind = obj.kind ?? "";
    const name = obj.metadata?.name ?? "";
    const path =
      resourcePath(kind, obj.metadata?.namespace, name) +
      (opts.subresource ? `/${opts.subresource}` : "");
    return this.request<T>("PATCH", path, {
      query: { fieldManager: this.fieldManager, force: opts.force ?? true },
      body: obj,
      contentType: "application/apply-patch+yaml",
    });
  }

  mergePatch<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    subresource?: string,
  ): Promise<T> {
    return this.request<T>(
      "PATCH",
      resourcePath(kind, namespace, name) + (subresource ? `/${subresource}` : ""),
      {
        query: { fieldManager: this.fieldManager },
        body: patch,
        contentType: "application/merge-patch+json",
      },
    );
  }

  create<T extends KubeObject>(obj: KubeObject): Promise<T> {
    return this.request<T>("POST", resourcePath(obj.kind ?? "", obj.metadata?.namespace), {
      query: { fieldManager: this.fieldManager },
      body: obj,
    });
  }

  /** Deletes with background propagation; a UID precondition makes sure a same-named replacement is never hit. 404 is success. */
  async delete(
    kind: string,
    namespace: string | undefined,
    name: string,
    uid?: string,
  ): Promise<void> {
    try {
      await this.request("DELETE", resourcePath(kind, namespace, name), {
        body: {
          kind: "DeleteOptions",
          apiVersion: "v1",
          propagationPolicy: "Background",
          ...(uid ? { preconditions: { uid } } : {}),
        },
      });
    } catch (e) {
      if (isNotFound(e)) return;
      if (isConflict(e) && uid) return; // precondition failed: the object was already replaced
      throw e;
    }
  }
}
