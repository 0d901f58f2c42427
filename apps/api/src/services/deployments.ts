// Deployments: Kthena objects applied with server-side apply to one or many clusters, their live
// status and events, drift between what Tessera applied and what is live, and deletion.
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { validateManifest } from "@tessera/shared";
import { ApiError, notFound } from "../errors.ts";
import { applyObject, deleteObject, listEvents, readObject } from "../clusters/kube.ts";
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { Prisma } from "../repositories/db.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";

/** Kinds a deployment may contain, in apply order (servers before routes that point at them). */
export const DEPLOYABLE_KINDS = [
  "ModelServing",
  "ModelBooster",
  "ModelServer",
  "ModelRoute",
  "AutoscalingPolicy",
] as const;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  [k: string]: unknown;
}

export const LABEL_DEPLOYMENT = "tessera.io/deployment";

/** Validates manifests with the shared schemas; errors name `manifests[i].<path>`. */
export function prepareManifests(
  raw: readonly unknown[],
  namespace: string,
  deploymentName: string,
): Manifest[] {
  const issues: { path: string; message: string }[] = [];
  const out: Manifest[] = [];
  raw.forEach((obj, i) => {
    const r = validateManifest(obj);
    if ("skipped" in r) {
      issues.push({
        path: `manifests[${i}]`,
        message: `${r.kind} (${r.apiVersion}) is not a deployable kind; use ${DEPLOYABLE_KINDS.join(", ")}`,
      });
      return;
    }
    if (!r.ok) {
      for (const is of r.issues)
        issues.push({ path: `manifests[${i}].${is.path}`, message: is.message });
      return;
    }
    if (!(DEPLOYABLE_KINDS as readonly string[]).includes(r.kind)) {
      issues.push({ path: `manifests[${i}].kind`, message: `${r.kind} is not a deployable kind` });
      return;
    }
    // Apply what the user wrote (not the defaulted value), so Tessera owns only those fields.
    const m = structuredClone(obj) as Manifest;
    delete m["status"];
    const ns = m.metadata.namespace ?? namespace;
    if (ns !== namespace)
      issues.push({
        path: `manifests[${i}].metadata.namespace`,
        message: `must be ${namespace} (the deployment's namespace)`,
      });
    m.metadata = {
      ...m.metadata,
      namespace,
      labels: { ...m.metadata.labels, [LABEL_DEPLOYMENT]: deploymentName },
    };
    out.push(m);
  });
  if (issues.length) {
    throw new ApiError(
      "API_ERR_VALIDATION",
      issues.map((i) => `${i.path}: ${i.message}`).join("; "),
      { issues },
    );
  }
  const keys = new Set<string>();
  for (const m of out) {
    const k = `${m.kind}/${m.metadata.name}`;
    if (keys.has(k))
      throw new ApiError("API_ERR_VALIDATION", `manifests: duplicate ${k}`, {
        issues: [{ path: "manifests", message: `duplicate ${k}` }],
      });
    keys.add(k);
  }
  return out.sort(
    (a, b) => DEPLOYABLE_KINDS.indexOf(a.kind as never) - DEPLOYABLE_KINDS.indexOf(b.kind as never),
  );
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
export const hashOf = (v: unknown): string =>
  createHash("sha256").update(canonical(v)).digest("hex");

export interface DriftItem {
  object: string;
  path: string;
  applied: unknown;
  live: unknown;
}

/** Fields Tessera set (spec, labels, annotations) whose live value differs; missing objects too. */
export function diffApplied(applied: Manifest, live: KubernetesObject | null): DriftItem[] {
  const object = `${applied.kind}/${applied.metadata.name}`;
  if (!live) return [{ object, path: "(object)", applied: "present", live: "missing" }];
  const out: DriftItem[] = [];
  const walk = (path: string, a: unknown, l: unknown) => {
    if (a && typeof a === "object" && !Array.isArray(a)) {
      if (!l || typeof l !== "object" || Array.isArray(l)) {
        out.push({ object, path, applied: a, live: l ?? null });
        return;
      }
      for (const [k, v] of Object.entries(a))
        walk(path ? `${path}.${k}` : k, v, (l as Record<string, unknown>)[k]);
      return;
    }
    // Scalars and lists compare whole (server defaults inside list items are not drift we can see).
    if (
      Array.isArray(a) &&
      Array.isArray(l) &&
      a.length === l.length &&
      a.every((x, i) => isSubset(x, l[i]))
    )
      return;
    if (canonical(a) !== canonical(l)) out.push({ object, path, applied: a, live: l ?? null });
  };
  const liveObj = live as unknown as Record<string, unknown>;
  walk("spec", applied.spec, liveObj["spec"]);
  walk("metadata.labels", applied.metadata.labels ?? {}, live.metadata?.labels ?? {});
  if (applied.metadata.annotations)
    walk("metadata.annotations", applied.metadata.annotations, live.metadata?.annotations ?? {});
  return out;
}

/** `a` is contained in `l` (server-side defaults may add fields). */
function isSubset(a: unknown, l: unknown): boolean {
  if (a && typeof a === "object") {
    if (!l || typeof l !== "object") return false;
    if (Array.isArray(a))
      return Array.isArray(l) && a.length === l.length && a.every((x, i) => isSubset(x, l[i]));
    return Object.entries(a).every(([k, v]) => isSubset(v, (l as Record<string, unknown>)[k]));
  }
  return canonical(a) === canonical(l);
}

type DeploymentRow = NonNullable<Awaited<ReturnType<Repositories["deployments"]["findById"]>>>;
const deploymentDto = (d: DeploymentRow) => ({
  id: d.id,
  clusterId: d.clusterId,
  namespace: d.namespace,
  name: d.name,
  status: d.status,
  statusMessage: d.statusMessage,
  revision: d.revision,
  manifestHash: d.manifestHash,
  appliedAt: d.appliedAt,
  deletedAt: d.deletedAt,
  designVersionId: d.designVersionId,
});

export function deploymentsService(deps: {
  repos: Repositories;
  registry: ClusterRegistry;
  audit: AuditService;
}) {
  const { repos, registry, audit } = deps;

  async function requireClusters(ids: readonly string[]) {
    for (const id of ids) if (!(await repos.clusters.find(id))) throw notFound(`cluster ${id}`);
  }

  return {
    async apply(
      caller: Caller,
      input: {
        clusterIds: string[];
        namespace: string;
        name: string;
        manifests: unknown[];
        force: boolean;
        designVersionId?: string | undefined;
      },
    ) {
      const manifests = prepareManifests(input.manifests, input.namespace, input.name);
      await requireClusters(input.clusterIds);
      const manifestHash = hashOf(manifests);
      const results = await registry.fanOut(input.clusterIds, "apply", async (kc) => {
        const applied: string[] = [];
        for (const m of manifests) {
          await applyObject(kc, m, input.force);
          applied.push(`${m.kind}/${m.metadata.name}`);
        }
        return applied;
      });
      const userId = caller.actor?.type === "user" ? caller.actor.userId : null;
      const out = [];
      for (const r of results) {
        const before = await repos.deployments.find(r.clusterId, input.namespace, input.name);
        const row = await repos.deployments.upsert(
          { clusterId: r.clusterId, namespace: input.namespace, name: input.name },
          {
            manifests: manifests as unknown as Prisma.InputJsonValue,
            manifestHash,
            status: r.ok ? "APPLIED" : "FAILED",
            statusMessage: r.ok ? null : r.error.message,
            appliedAt: r.ok ? new Date() : (before?.appliedAt ?? null),
            appliedById: userId,
            designVersionId: input.designVersionId ?? null,
          },
        );
        await audit.record(caller, {
          action: r.ok ? "deployment.apply" : "deployment.apply.failed",
          targetType: "Deployment",
          targetId: `${input.namespace}/${input.name}`,
          clusterId: r.clusterId,
          before: before
            ? {
                manifestHash: before.manifestHash,
                manifests: before.manifests,
                revision: before.revision,
              }
            : null,
          after: {
            manifestHash,
            manifests,
            revision: row.revision,
            ...(r.ok ? {} : { error: r.error }),
          },
        });
        out.push({
          cluster: r.cluster,
          clusterId: r.clusterId,
          ok: r.ok,
          ...(r.ok ? { applied: r.value } : { error: r.error }),
          deployment: deploymentDto(row),
        });
      }
      return { results: out };
    },

    async list(filter: {
      clusterId?: string | undefined;
      name?: string | undefined;
      includeDeleted: boolean;
    }) {
      return (await repos.deployments.list(filter)).map((d) => ({
        ...deploymentDto(d),
        cluster: d.cluster.name,
      }));
    },

    /** Live status and events of each object, per cluster; a failing cluster reports its error. */
    async status(input: { name: string; namespace: string; clusterIds?: string[] | undefined }) {
      const rows = (
        await repos.deployments.list({ name: input.name, includeDeleted: false })
      ).filter(
        (d) =>
          d.namespace === input.namespace &&
          (!input.clusterIds || input.clusterIds.includes(d.clusterId)),
      );
      if (rows.length === 0) throw notFound("deployment");
      return Promise.all(
        rows.map(async (row) => {
          const r = { cluster: row.cluster.name, clusterId: row.clusterId };
          try {
            const objects = await registry.call(row.clusterId, "read status", async (kc) =>
              Promise.all(
                (row.manifests as unknown as Manifest[]).map(async (m) => {
                  const live = await readObject(kc, {
                    apiVersion: m.apiVersion,
                    kind: m.kind,
                    metadata: { name: m.metadata.name, namespace: m.metadata.namespace },
                  });
                  const events = live
                    ? await listEvents(kc, input.namespace, m.metadata.name, m.kind)
                    : [];
                  return {
                    kind: m.kind,
                    name: m.metadata.name,
                    present: live !== null,
                    status: live
                      ? ((live as unknown as { status?: unknown }).status ?? null)
                      : null,
                    generation: live?.metadata?.generation ?? null,
                    events,
                  };
                }),
              ),
            );
            return {
              cluster: r.cluster,
              clusterId: r.clusterId,
              ok: true as const,
              objects,
              deployment: deploymentDto(row),
            };
          } catch (e) {
            const err = e as ApiError;
            return {
              cluster: r.cluster,
              clusterId: r.clusterId,
              ok: false as const,
              error: { code: err.code, message: err.message },
              deployment: deploymentDto(row),
            };
          }
        }),
      );
    },

    /** Compares what Tessera applied with what is live; marks rows DRIFTED or APPLIED. */
    async drift(input: { name: string; namespace: string; clusterIds?: string[] | undefined }) {
      const rows = (
        await repos.deployments.list({ name: input.name, includeDeleted: false })
      ).filter(
        (d) =>
          d.namespace === input.namespace &&
          (!input.clusterIds || input.clusterIds.includes(d.clusterId)),
      );
      if (rows.length === 0) throw notFound("deployment");
      return Promise.all(
        rows.map(async (row) => {
          try {
            const drift = await registry.call(row.clusterId, "drift check", async (kc) => {
              const items: DriftItem[] = [];
              for (const m of row.manifests as unknown as Manifest[]) {
                const live = await readObject(kc, {
                  apiVersion: m.apiVersion,
                  kind: m.kind,
                  metadata: { name: m.metadata.name, namespace: m.metadata.namespace },
                });
                items.push(...diffApplied(m, live));
              }
              return items;
            });
            if (row.status === "APPLIED" || row.status === "DRIFTED") {
              await repos.deployments.update(row.id, {
                status: drift.length ? "DRIFTED" : "APPLIED",
                lastSyncedAt: new Date(),
              });
            }
            return {
              cluster: row.cluster.name,
              clusterId: row.clusterId,
              ok: true as const,
              drifted: drift.length > 0,
              drift,
            };
          } catch (e) {
            const err = e as ApiError;
            return {
              cluster: row.cluster.name,
              clusterId: row.clusterId,
              ok: false as const,
              error: { code: err.code, message: err.message },
            };
          }
        }),
      );
    },

    /** Deletes the deployment's objects from the given clusters; `confirm` must repeat the name. */
    async remove(
      caller: Caller,
      input: { name: string; namespace: string; clusterIds: string[]; confirm: string },
    ) {
      if (input.confirm !== input.name)
        throw new ApiError(
          "API_ERR_CONFIRMATION_REQUIRED",
          `type the deployment name "${input.name}" in confirm`,
        );
      const rows = [];
      for (const clusterId of input.clusterIds) {
        const row = await repos.deployments.find(clusterId, input.namespace, input.name);
        if (!row || row.deletedAt)
          throw notFound(`deployment ${input.namespace}/${input.name} in cluster ${clusterId}`);
        rows.push(row);
      }
      const results = await Promise.all(
        rows.map(async (row) => {
          let result:
            | { ok: true; deleted: string[] }
            | { ok: false; error: { code: string; message: string } };
          try {
            const deleted = await registry.call(row.clusterId, "delete", async (kc) => {
              const done: string[] = [];
              for (const m of [...(row.manifests as unknown as Manifest[])].reverse()) {
                if (await deleteObject(kc, m)) done.push(`${m.kind}/${m.metadata.name}`);
              }
              return done;
            });
            result = { ok: true, deleted };
          } catch (e) {
            const err = e as ApiError;
            result = { ok: false, error: { code: err.code, message: err.message } };
          }
          return { row, result };
        }),
      );
      const out = [];
      for (const { row, result } of results) {
        if (result.ok)
          await repos.deployments.update(row.id, {
            status: "DELETED",
            deletedAt: new Date(),
            statusMessage: null,
          });
        await audit.record(caller, {
          action: result.ok ? "deployment.delete" : "deployment.delete.failed",
          targetType: "Deployment",
          targetId: `${input.namespace}/${input.name}`,
          clusterId: row.clusterId,
          before: {
            manifestHash: row.manifestHash,
            manifests: row.manifests,
            revision: row.revision,
          },
          after: result.ok ? null : { error: result.error },
        });
        out.push({ cluster: row.cluster.name, clusterId: row.clusterId, ...result });
      }
      return { results: out };
    },
  };
}
export type DeploymentsService = ReturnType<typeof deploymentsService>;
