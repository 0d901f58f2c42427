// Cluster registration (kubeconfig sealed with AES-256-GCM, never returned), reachability and
// version, inventory and router endpoints.
import { ApiError, notFound } from "../errors.ts";
import { clusterError, withTimeout } from "../clusters/errors.ts";
import { parseKubeconfig } from "../clusters/kubeconfig.ts";
import { listRouterEndpoints, readInventory, serverVersion } from "../clusters/kube.ts";
import type { ClusterRegistry } from "../clusters/registry.ts";
import { isUniqueViolation } from "../repositories/db.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";

export interface RegisterInput {
  name: string;
  displayName?: string | undefined;
  description?: string | undefined;
  region?: string | undefined;
  labels?: Record<string, string> | undefined;
  kubeconfig: string;
  context?: string | undefined;
  /** Store the cluster even if it cannot be reached now (it is then UNREACHABLE). */
  allowUnreachable?: boolean | undefined;
}

export function clustersService(deps: {
  repos: Repositories;
  registry: ClusterRegistry;
  audit: AuditService;
  timeoutMs: number;
  onRegistered: () => void;
}) {
  const { repos, registry, audit, timeoutMs } = deps;
  const get = async (id: string) => {
    const c = await repos.clusters.find(id);
    if (!c) throw notFound("cluster");
    return c;
  };
  return {
    list: () => repos.clusters.list(),
    get,
    async register(caller: Caller, input: RegisterInput) {
      const parsed = parseKubeconfig(input.kubeconfig, input.context);
      let version: string | null = null;
      let reachError: string | null = null;
      try {
        version = await withTimeout(timeoutMs, () => serverVersion(parsed.kc));
      } catch (e) {
        const err = clusterError(input.name, e, "version check");
        if (!input.allowUnreachable) throw err;
        reachError = err.message;
      }
      const sealed = registry.box.encrypt(parsed.normalized);
      const now = new Date();
      try {
        const c = await repos.clusters.create({
          name: input.name,
          displayName: input.displayName ?? input.name,
          description: input.description ?? null,
          region: input.region ?? null,
          labels: input.labels ?? {},
          apiServer: parsed.server,
          kubeconfigCiphertext: new Uint8Array(sealed.ciphertext),
          kubeconfigNonce: new Uint8Array(sealed.nonce),
          kubeconfigKeyId: sealed.keyId,
          status: version ? "HEALTHY" : "UNREACHABLE",
          statusMessage: reachError,
          kubernetesVersion: version,
          lastCheckedAt: now,
          lastHealthyAt: version ? now : null,
        });
        await audit.record(caller, {
          action: "cluster.register",
          targetType: "Cluster",
          targetId: c.id,
          clusterId: c.id,
          after: c,
        });
        deps.onRegistered();
        return c;
      } catch (e) {
        if (isUniqueViolation(e))
          throw new ApiError("API_ERR_CONFLICT", `cluster "${input.name}" already exists`);
        throw e;
      }
    },
    async update(
      caller: Caller,
      id: string,
      patch: {
        displayName?: string | undefined;
        description?: string | null | undefined;
        region?: string | null | undefined;
        labels?: Record<string, string> | undefined;
        disabled?: boolean | undefined;
        kubeconfig?: string | undefined;
        context?: string | undefined;
      },
    ) {
      const before = await get(id);
      const { disabled, kubeconfig, context, ...rest } = patch;
      const data: Parameters<Repositories["clusters"]["update"]>[1] = { ...rest };
      if (disabled !== undefined) data.status = disabled ? "DISABLED" : "PENDING";
      if (kubeconfig) {
        const parsed = parseKubeconfig(kubeconfig, context);
        const sealed = registry.box.encrypt(parsed.normalized);
        Object.assign(data, {
          apiServer: parsed.server,
          kubeconfigCiphertext: new Uint8Array(sealed.ciphertext),
          kubeconfigNonce: new Uint8Array(sealed.nonce),
          kubeconfigKeyId: sealed.keyId,
        });
        registry.forget(id);
      }
      const after = await repos.clusters.update(id, data);
      await audit.record(caller, {
        action: "cluster.update",
        targetType: "Cluster",
        targetId: id,
        clusterId: id,
        before,
        after: { ...after, kubeconfigChanged: Boolean(kubeconfig) },
      });
      return after;
    },
    async remove(caller: Caller, id: string, confirm: string) {
      const before = await get(id);
      if (confirm !== before.name)
        throw new ApiError(
          "API_ERR_CONFIRMATION_REQUIRED",
          `type the cluster name "${before.name}" in confirm`,
        );
      await repos.clusters.remove(id);
      registry.forget(id);
      await audit.record(caller, {
        action: "cluster.remove",
        targetType: "Cluster",
        targetId: id,
        before,
      });
      return { removed: true };
    },
    check: (id: string) => get(id).then(() => registry.checkHealth(id)),
    async inventory(id: string) {
      await get(id);
      return registry.call(id, "inventory", (kc) => readInventory(kc), timeoutMs * 3);
    },
    async routers(ids?: string[]) {
      const clusters =
        ids ??
        (await repos.clusters.list()).filter((c) => c.status !== "DISABLED").map((c) => c.id);
      return registry.fanOut(clusters, "list routers", (kc) => listRouterEndpoints(kc));
    },
  };
}
export type ClustersService = ReturnType<typeof clustersService>;
