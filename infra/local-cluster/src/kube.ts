// Thin helpers over @kubernetes/client-node for the harness itself.
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { RequestOptions } from "node:https";
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import type { KubernetesObject, V1CustomResourceDefinition } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { waitFor } from "./exec.ts";

export const FIELD_MANAGER = "tessera-cluster";

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export function isApiError(e: unknown, code: number): boolean {
  return e instanceof ApiException && e.code === code;
}

/** The apiserver's message from an ApiException (its Status body), else the error text. */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof ApiException) {
    const body: unknown = typeof e.body === "string" ? safeJson(e.body) : e.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    return typeof message === "string" ? message : `HTTP ${e.code}`;
  }
  return e instanceof Error ? e.message : String(e);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every object of a multi-document YAML file (empty documents skipped). */
export function readManifests(path: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(path, "utf8"))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => Boolean(o && typeof o === "object" && o.kind));
}

/**
 * Server-side apply of raw JSON to `path`, bypassing client-node's typed serializer. That serializer
 * maps TypeScript property names (xKubernetesValidations) to wire names and silently drops wire-named
 * keys it meets in raw YAML (`x-kubernetes-validations`, `x-kubernetes-int-or-string`, …), which would
 * strip CEL rules and int-or-string markers from CRDs.
 */
export function applyRaw(kc: KubeConfig, path: string, body: object): Promise<unknown> {
  return requestRaw(kc, "PATCH", path, { fieldManager: FIELD_MANAGER, force: "true" }, body);
}

/** One request to the apiserver with the kubeconfig's credentials; rejects on HTTP ≥300. */
export async function requestRaw(
  kc: KubeConfig,
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: object,
): Promise<unknown> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const url = new URL(path, server);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const options: RequestOptions = { method, headers: {} };
  if (body) options.headers = { "Content-Type": "application/apply-patch+yaml" };
  await kc.applyToHTTPSOptions(options);
  const payload = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const parsed = safeJson(text);
        if ((res.statusCode ?? 500) >= 300) {
          const message = (parsed as { message?: unknown } | undefined)?.message;
          reject(
            new Error(
              typeof message === "string"
                ? message
                : `HTTP ${res.statusCode}: ${text.slice(0, 500)}`,
            ),
          );
        } else resolve(parsed);
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** Server-side apply of CustomResourceDefinitions exactly as written in their YAML. */
export async function applyCrd(kc: KubeConfig, crd: KubernetesObject): Promise<void> {
  const name = crd.metadata?.name;
  if (!name) throw new Error("CRD without metadata.name");
  await applyRaw(kc, `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`, crd);
}

/**
 * Server-side apply (create or update) of each object, in order, through client-node (typed kinds
 * must use its property names; use applyCrd for CRDs).
 */
/**
 * KubernetesObjectApi finds an object's resource through API discovery, which the apiserver updates
 * a little after a new CRD's resources are already served: a create or apply in that gap fails with
 * 404. Such a 404 is retried for a bounded time; any other error, or a 404 that persists, is thrown.
 */
async function retryWhileUndiscovered<T>(op: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await op();
    } catch (e) {
      if (!isApiError(e, 404) || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  for (const obj of objects) {
    await retryWhileUndiscovered(() =>
      client.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    );
  }
}

/** Creates each object, ignoring AlreadyExists. Returns what the server stored. */
export async function createObjects<T extends KubernetesObject>(
  kc: KubeConfig,
  objects: T[],
): Promise<T[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const out: T[] = [];
  for (const obj of objects) {
    try {
      out.push(
        await retryWhileUndiscovered(() => client.create(obj, undefined, undefined, FIELD_MANAGER)),
      );
    } catch (e) {
      if (!isApiError(e, 409)) throw e;
    }
  }
  return out;
}

interface CrdShape {
  spec?: {
    group?: string;
    names?: { plural?: string };
    versions?: { name?: string; served?: boolean }[];
  };
}

/**
 * Waits until every CRD's resources are served: a `LIST …?limit=1` on each served version answers
 * 200. That is what clients need, it is cheap (unlike listing the CRDs themselves, which are large),
 * and it initializes the watch cache, so a first watch is not answered 429 "storage is
 * (re)initializing".
 */
export async function waitCrdsServed(
  kc: KubeConfig,
  crds: KubernetesObject[],
  timeoutMs = 30_000,
): Promise<void> {
  const paths = crds.flatMap((c) => {
    const spec = (c as CrdShape).spec;
    return (spec?.versions ?? [])
      .filter((v) => v.served !== false)
      .map((v) => `/apis/${spec?.group ?? ""}/${v.name ?? ""}/${spec?.names?.plural ?? ""}`);
  });
  await Promise.all(
    paths.map((path) =>
      waitFor(
        `${path} served`,
        async () => {
          await requestRaw(kc, "GET", path, { limit: "1" });
          return true;
        },
        timeoutMs,
        100,
      ),
    ),
  );
}

export function crdEstablished(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some(
    (c) => c.type === "Established" && c.status === "True",
  );
}
