// A minimal raw-JSON apiserver client with the KubeConfig's credentials. Objects are sent exactly as
// rendered (client-node's typed serializer would drop wire-named keys such as x-kubernetes-*).
import { request } from "node:https";
import { request as httpRequest } from "node:http";
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export class KubeRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "KubeRequestError";
    this.status = status;
  }
}

export const isStatus = (e: unknown, status: number): boolean =>
  e instanceof KubeRequestError && e.status === status;

export async function kubeRequest<T = unknown>(
  kc: KubeConfig,
  method: string,
  path: string,
  o: {
    query?: Record<string, string>;
    body?: unknown;
    contentType?: string;
    /** Aborts the request (socket included), e.g. when the caller's deadline passed. */
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const url = new URL(server.replace(/\/$/, "") + path);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const options: RequestOptions = { method, headers: { accept: "application/json" } };
  if (o.signal) options.signal = o.signal;
  if (o.body !== undefined)
    options.headers = { ...options.headers, "content-type": o.contentType ?? "application/json" };
  await kc.applyToHTTPSOptions(options);
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  const send = url.protocol === "http:" ? httpRequest : request;
  return new Promise<T>((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const status = res.statusCode ?? 500;
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : {};
        } catch {
          // not JSON (e.g. a proxy error page)
        }
        if (status >= 300) {
          const message = (parsed as { message?: unknown } | undefined)?.message;
          reject(
            new KubeRequestError(
              status,
              `${method} ${path}: ${status} ${typeof message === "string" ? message : text.slice(0, 300)}`,
            ),
          );
        } else resolve(parsed as T);
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** Every kind the chart renders, in apply order (dependencies first). */
export const CHART_KINDS: ResourceKind[] = [
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
  },
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    plural: "clusterroles",
    namespaced: false,
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
  },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles", namespaced: true },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    plural: "rolebindings",
    namespaced: true,
  },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    plural: "poddisruptionbudgets",
    namespaced: true,
  },
  {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    plural: "servicemonitors",
    namespaced: true,
  },
];

export function kindOf(apiVersion: string, kind: string): ResourceKind {
  const k = CHART_KINDS.find((x) => x.kind === kind && x.apiVersion === apiVersion);
  if (!k)
    throw new Error(`the installer does not know ${apiVersion} ${kind}; add it to CHART_KINDS`);
  return k;
}

export function objectPath(k: ResourceKind, namespace: string | undefined, name?: string): string {
  const base = k.apiVersion.includes("/") ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`;
  const ns = k.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
  return `${base}${ns}/${k.plural}${name ? `/${encodeURIComponent(name)}` : ""}`;
}
