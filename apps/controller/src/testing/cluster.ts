// Helpers for integration tests and benchmarks against a real apiserver (local-cluster).
import { KubeConfig } from "@kubernetes/client-node";
import { KubeClient, isNotFound } from "../k8s/client.ts";
import { resourcePath } from "../k8s/resources.ts";
import type { KubeObject, PodObject } from "../k8s/types.ts";

export class TestCluster {
  readonly client: KubeClient;
  readonly kc: KubeConfig;

  constructor(kc: KubeConfig | string) {
    if (typeof kc === "string") {
      this.kc = new KubeConfig();
      this.kc.loadFromFile(kc);
    } else this.kc = kc;
    this.client = new KubeClient(this.kc, "tessera-test");
  }

  async namespace(name: string): Promise<void> {
    await this.client.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }

  apply<T extends KubeObject>(obj: KubeObject & Record<string, unknown>): Promise<T> {
    return this.client.apply<T>(obj);
  }

  async list<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<T[]> {
    const r = await this.client.list<T>(
      resourcePath(kind, namespace),
      labelSelector ? { labelSelector } : {},
    );
    return r.items;
  }

  async get<T extends KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.client.get<T>(kind, namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  pods(namespace: string, ms: string): Promise<PodObject[]> {
    return this.list<PodObject>("Pod", namespace, `modelserving.volcano.sh/name=${ms}`);
  }

  /** Deletes immediately (grace period 0), like a node loss. */
  async deleteNow(kind: string, namespace: string, name: string): Promise<void> {
    try {
      await this.client.request("DELETE", resourcePath(kind, namespace, name), {
        body: { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 0 },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Polls `check` until it returns a value that is not undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function running(p: PodObject): boolean {
  return p.status?.phase === "Running" && !p.metadata?.deletionTimestamp;
}
