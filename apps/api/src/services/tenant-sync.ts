// Pushes every tenant and API key to every cluster as tessera.io/v1alpha1 Tenant and ApiKey
// objects, so routers enforce keys and quotas from their own cluster even when the API is down.
// Level-triggered: each run applies the full desired state and prunes objects Tessera no longer
// wants; changes schedule a run (coalesced), and the health poll runs it periodically.
import type { KubernetesObject } from "@kubernetes/client-node";
import { CustomObjectsApi } from "@kubernetes/client-node";
import {
  LABEL_TESSERA_MANAGED_BY,
  LABEL_TESSERA_TENANT,
  TESSERA_API_VERSION,
  TESSERA_GROUP,
  TESSERA_VERSION,
} from "@tessera/shared/api/tessera/index";
import type { ApiKeyObject, TenantObject, TenantQuota } from "@tessera/shared/api/tessera/index";
import { applyObject, deleteObject, ensureNamespace } from "../clusters/kube.ts";
import type { ClusterRegistry, FanOutResult } from "../clusters/registry.ts";
import { num } from "../repositories/db.ts";
import { QUOTA_LIMIT_FIELDS } from "../repositories/quotas.ts";
import type { Repositories } from "../repositories/index.ts";

export const MANAGED_BY_VALUE = "tessera-api";

type TenantWithQuotas = Awaited<ReturnType<Repositories["tenants"]["listActive"]>>[number];
type KeyForSync = Awaited<ReturnType<Repositories["apiKeys"]["allForSync"]>>[number];

export function tenantObject(t: TenantWithQuotas, namespace: string): TenantObject {
  const quotas = t.quotas.map((q) => {
    const out: TenantQuota = { model: q.model };
    for (const f of QUOTA_LIMIT_FIELDS) {
      const v = num(q[f]);
      if (v !== null) out[f] = v;
    }
    if (q.requestsPerMinute !== null) out.requestsPerMinute = q.requestsPerMinute;
    if (q.concurrentRequests !== null) out.concurrentRequests = q.concurrentRequests;
    return out;
  });
  return {
    apiVersion: TESSERA_API_VERSION,
    kind: "Tenant",
    metadata: { name: t.slug, namespace, labels: { [LABEL_TESSERA_MANAGED_BY]: MANAGED_BY_VALUE } },
    spec: {
      displayName: t.name,
      weight: t.fairnessWeight,
      ...(t.priorityClass ? { priorityClass: t.priorityClass } : {}),
      suspended: t.status !== "ACTIVE",
      quotas: quotas.sort((a, b) => a.model.localeCompare(b.model)),
    },
  };
}

export function apiKeyObject(k: KeyForSync, namespace: string): ApiKeyObject {
  return {
    apiVersion: TESSERA_API_VERSION,
    kind: "ApiKey",
    metadata: {
      name: k.id,
      namespace,
      labels: {
        [LABEL_TESSERA_MANAGED_BY]: MANAGED_BY_VALUE,
        [LABEL_TESSERA_TENANT]: k.tenant.slug,
      },
    },
    spec: {
      tenant: k.tenant.slug,
      keyHash: k.keyHash,
      prefix: k.prefix,
      models: k.allowedModels,
      ...(k.expiresAt ? { expiresAt: k.expiresAt.toISOString() } : {}),
      revoked: k.revokedAt !== null,
    },
  };
}

export interface SyncSummary {
  tenants: number;
  apiKeys: number;
  pruned: number;
}

export function tenantSyncService(deps: {
  repos: Repositories;
  registry: ClusterRegistry;
  namespace: string;
  onError: (e: unknown) => void;
}) {
  const { repos, registry, namespace } = deps;
  let running: Promise<FanOutResult<SyncSummary>[]> | undefined;
  let again = false;

  async function desired() {
    const [tenants, keys] = await Promise.all([
      repos.tenants.listActive(),
      repos.apiKeys.allForSync(),
    ]);
    const live = new Set(tenants.map((t) => t.slug));
    const now = Date.now();
    return {
      tenants: tenants.map((t) => tenantObject(t, namespace)),
      // Keys of archived tenants, and revoked keys past their expiry, are no longer pushed.
      keys: keys
        .filter(
          (k) =>
            live.has(k.tenant.slug) && !(k.expiresAt && k.expiresAt.getTime() < now - 86_400_000),
        )
        .map((k) => apiKeyObject(k, namespace)),
    };
  }

  async function pushTo(clusterIds: string[]): Promise<FanOutResult<SyncSummary>[]> {
    const want = await desired();
    return registry.fanOut(clusterIds, "tenant sync", async (kc) => {
      await ensureNamespace(kc, namespace);
      for (const obj of [...want.tenants, ...want.keys])
        await applyObject(kc, obj as KubernetesObject, true);
      // Prune what Tessera pushed before but no longer wants.
      const custom = kc.makeApiClient(CustomObjectsApi);
      let pruned = 0;
      for (const [plural, kind, names] of [
        ["tenants", "Tenant", new Set(want.tenants.map((t) => t.metadata.name))],
        ["apikeys", "ApiKey", new Set(want.keys.map((k) => k.metadata.name))],
      ] as const) {
        const list = (await custom.listNamespacedCustomObject({
          group: TESSERA_GROUP,
          version: TESSERA_VERSION,
          namespace,
          plural,
          labelSelector: `${LABEL_TESSERA_MANAGED_BY}=${MANAGED_BY_VALUE}`,
        })) as { items: KubernetesObject[] };
        for (const item of list.items) {
          const name = item.metadata?.name;
          if (name && !names.has(name)) {
            await deleteObject(kc, {
              apiVersion: TESSERA_API_VERSION,
              kind,
              metadata: { name, namespace },
            });
            pruned++;
          }
        }
      }
      return { tenants: want.tenants.length, apiKeys: want.keys.length, pruned };
    });
  }

  async function activeClusterIds(): Promise<string[]> {
    return (await repos.clusters.list()).filter((c) => c.status !== "DISABLED").map((c) => c.id);
  }

  return {
    desired,
    /** Pushes the full desired state now; one result per cluster. */
    async syncAll(): Promise<FanOutResult<SyncSummary>[]> {
      if (running) {
        again = true;
        await running.catch(() => undefined);
      }
      running = activeClusterIds().then(pushTo);
      try {
        return await running;
      } finally {
        running = undefined;
      }
    },
    /** Fire-and-forget after a change; runs coalesce. */
    schedule(): void {
      if (running) {
        again = true;
        return;
      }
      const run = (): void => {
        again = false;
        this.syncAll()
          .catch(deps.onError)
          .finally(() => {
            if (again) run();
          });
      };
      run();
    },
    /** Waits until no sync is running (tests, shutdown). */
    async idle(): Promise<void> {
      while (running) await running.catch(() => undefined);
    },
  };
}
export type TenantSyncService = ReturnType<typeof tenantSyncService>;
