// ClusterRegistry: per-cluster KubeConfig (decrypted on first use, kept in memory only), calls with
// a deadline that fail per cluster, fan-out that never lets one slow cluster block the others, and
// health polling that records the time of the last success.
import type { KubeConfig } from "@kubernetes/client-node";
import type { ApiError } from "../errors.ts";
import { notFound } from "../errors.ts";
import type { SecretBox } from "../lib/crypto.ts";
import type { Repositories } from "../repositories/index.ts";
import { clusterError, withTimeout } from "./errors.ts";
import { kubeConfigFromStored } from "./kubeconfig.ts";
import { serverVersion } from "./kube.ts";

export interface ClusterHandle {
  id: string;
  name: string;
  kc: KubeConfig;
}

export type FanOutResult<T> =
  | { clusterId: string; cluster: string; ok: true; value: T }
  | { clusterId: string; cluster: string; ok: false; error: { code: string; message: string } };

export interface ClusterRegistryOptions {
  repos: Repositories;
  box: SecretBox;
  timeoutMs: number;
  onHealth?: (cluster: string, healthy: boolean) => void;
}

export class ClusterRegistry {
  readonly #repos: Repositories;
  readonly #box: SecretBox;
  readonly #timeoutMs: number;
  readonly #onHealth: ((cluster: string, healthy: boolean) => void) | undefined;
  readonly #cache = new Map<string, ClusterHandle>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<unknown> | undefined;

  constructor(options: ClusterRegistryOptions) {
    this.#repos = options.repos;
    this.#box = options.box;
    this.#timeoutMs = options.timeoutMs;
    this.#onHealth = options.onHealth;
  }

  get box(): SecretBox {
    return this.#box;
  }

  async handle(id: string): Promise<ClusterHandle> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const sealed = await this.#repos.clusters.sealedKubeconfig(id);
    if (!sealed) throw notFound("cluster");
    const kc = kubeConfigFromStored(
      this.#box.decrypt({
        ciphertext: sealed.kubeconfigCiphertext,
        nonce: sealed.kubeconfigNonce,
        keyId: sealed.kubeconfigKeyId,
      }),
    );
    const handle = { id, name: sealed.name, kc };
    this.#cache.set(id, handle);
    return handle;
  }

  forget(id: string): void {
    this.#cache.delete(id);
  }

  /**
   * Runs `fn` against one cluster with the deadline (`signal` aborts when it passes); failures
   * become per-cluster ApiErrors.
   */
  async call<T>(
    id: string,
    op: string,
    fn: (kc: KubeConfig, h: ClusterHandle, signal: AbortSignal) => Promise<T>,
    timeoutMs = this.#timeoutMs,
  ): Promise<T> {
    const h = await this.handle(id);
    try {
      return await withTimeout(timeoutMs, (signal) => fn(h.kc, h, signal));
    } catch (e) {
      throw clusterError(h.name, e, op);
    }
  }

  /** The same call on many clusters in parallel; each result says ok or why not. */
  async fanOut<T>(
    ids: readonly string[],
    op: string,
    fn: (kc: KubeConfig, h: ClusterHandle, signal: AbortSignal) => Promise<T>,
  ): Promise<FanOutResult<T>[]> {
    return Promise.all(
      ids.map(async (clusterId): Promise<FanOutResult<T>> => {
        let name = clusterId;
        try {
          name = (await this.handle(clusterId)).name;
          return { clusterId, cluster: name, ok: true, value: await this.call(clusterId, op, fn) };
        } catch (e) {
          const err = e as ApiError;
          return {
            clusterId,
            cluster: name,
            ok: false,
            error: { code: err.code ?? "API_ERR_INTERNAL", message: err.message },
          };
        }
      }),
    );
  }

  /** Polls /version; records HEALTHY with the time of success, or UNREACHABLE with the reason. */
  async checkHealth(id: string) {
    const now = new Date();
    try {
      const version = await this.call(id, "health check", (kc) => serverVersion(kc));
      const c = await this.#repos.clusters.update(id, {
        status: "HEALTHY",
        statusMessage: null,
        lastHealthyAt: now,
        lastCheckedAt: now,
        kubernetesVersion: version,
      });
      this.#onHealth?.(c.name, true);
      return c;
    } catch (e) {
      const message = (e as Error).message;
      const c = await this.#repos.clusters.update(id, {
        status: "UNREACHABLE",
        statusMessage: message,
        lastCheckedAt: now,
      });
      this.#onHealth?.(c.name, false);
      return c;
    }
  }

  async checkAll(): Promise<void> {
    const clusters = (await this.#repos.clusters.list()).filter((c) => c.status !== "DISABLED");
    await Promise.all(clusters.map((c) => this.checkHealth(c.id)));
  }

  startPolling(intervalMs: number, onError: (e: unknown) => void): void {
    const tick = () => {
      if (this.#polling) return;
      this.#polling = this.checkAll()
        .catch(onError)
        .finally(() => {
          this.#polling = undefined;
        });
    };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#polling;
  }
}
