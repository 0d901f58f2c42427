// Installs or upgrades Tessera's in-cluster components into a cluster: renders the chart with helm,
// server-side applies every object (field manager `tessera-installer`), prunes what an upgrade no
// longer renders, and reports the health of the Deployments. Used by the API ("install from the
// console") and by the tests; no Helm release Secret is written (the cluster holds no Helm state).
import type { KubeConfig } from "@kubernetes/client-node";
import { renderChart } from "./helm.ts";
import type { KubeObject } from "./helm.ts";
import { CHART_KINDS, isStatus, kindOf, kubeRequest, objectPath } from "./kube.ts";

export const INSTALLER_FIELD_MANAGER = "tessera-installer";
const PART_OF = "app.kubernetes.io/part-of=tessera";

export interface InstallOptions {
  kubeConfig: KubeConfig;
  /** Namespace of the components (created when missing). Default tessera-system. */
  namespace?: string;
  /** Release name: prefix of object names and the `app.kubernetes.io/instance` label. Default tessera. */
  releaseName?: string;
  /** Chart values over values.yaml (validated by values.schema.json). */
  values?: Record<string, unknown>;
  /** Delete objects of this release that the chart no longer renders (default true). */
  prune?: boolean;
  fieldManager?: string;
  helm?: string;
  chartDir?: string;
  onProgress?: (message: string) => void;
}

export interface InstallResult {
  applied: string[];
  pruned: string[];
  /** Objects whose API is not served by the cluster (e.g. ServiceMonitor without the Prometheus Operator). */
  skipped: string[];
}

const id = (o: KubeObject) =>
  `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

async function apply(kc: KubeConfig, o: KubeObject, fieldManager: string): Promise<void> {
  const k = kindOf(o.apiVersion, o.kind);
  await kubeRequest(kc, "PATCH", objectPath(k, o.metadata.namespace, o.metadata.name), {
    query: { fieldManager, force: "true" },
    body: o,
    contentType: "application/apply-patch+yaml",
  });
}

async function served(kc: KubeConfig, apiVersion: string, plural: string): Promise<boolean> {
  try {
    const list = await kubeRequest<{ resources?: { name: string }[] }>(
      kc,
      "GET",
      apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
    );
    return (list.resources ?? []).some((r) => r.name === plural);
  } catch (e) {
    if (isStatus(e, 404)) return false;
    throw e;
  }
}

async function waitEstablished(kc: KubeConfig, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await kubeRequest<{
        status?: { conditions?: { type: string; status: string }[] };
      }>(kc, "GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"))
        break;
      if (Date.now() > deadline)
        throw new Error(`CRD ${name} not Established after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Renders the chart (with CRDs) for a cluster. */
export function renderForInstall(o: Omit<InstallOptions, "kubeConfig">): Promise<KubeObject[]> {
  return renderChart({
    releaseName: o.releaseName ?? "tessera",
    namespace: o.namespace ?? "tessera-system",
    values: o.values ?? {},
    includeCrds: true,
    ...(o.helm ? { helm: o.helm } : {}),
    ...(o.chartDir ? { chartDir: o.chartDir } : {}),
  });
}

/** Install or upgrade: the same call; server-side apply makes it idempotent. */
export async function installTessera(o: InstallOptions): Promise<InstallResult> {
  const kc = o.kubeConfig;
  const namespace = o.namespace ?? "tessera-system";
  const release = o.releaseName ?? "tessera";
  const fm = o.fieldManager ?? INSTALLER_FIELD_MANAGER;
  const log = o.onProgress ?? (() => {});
  const objects = await renderForInstall(o);
  const result: InstallResult = { applied: [], pruned: [], skipped: [] };

  // CRDs first (never pruned: deleting a CRD deletes every object of it), then the namespace.
  const crds = objects.filter((x) => x.kind === "CustomResourceDefinition");
  for (const crd of crds) await apply(kc, crd, fm);
  await waitEstablished(
    kc,
    crds.map((c) => c.metadata.name),
    60_000,
  );
  result.applied.push(...crds.map(id));
  log(`${crds.length} CRDs applied and Established`);

  const ns: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: { "app.kubernetes.io/part-of": "tessera" } },
  };
  await apply(kc, ns, fm);

  const order = new Map(CHART_KINDS.map((k, i) => [k.kind, i]));
  const rest = objects
    .filter((x) => x.kind !== "CustomResourceDefinition")
    .sort((a, b) => (order.get(a.kind) ?? 99) - (order.get(b.kind) ?? 99));
  const servedCache = new Map<string, boolean>();
  for (const obj of rest) {
    const k = kindOf(obj.apiVersion, obj.kind);
    const key = `${k.apiVersion}/${k.plural}`;
    if (!servedCache.has(key)) servedCache.set(key, await served(kc, k.apiVersion, k.plural));
    if (!servedCache.get(key)) {
      result.skipped.push(id(obj));
      log(`skipped ${id(obj)}: ${k.apiVersion} ${k.kind} is not served by this cluster`);
      continue;
    }
    await apply(kc, obj, fm);
    result.applied.push(id(obj));
  }
  log(`${result.applied.length - crds.length} objects applied`);

  if (o.prune ?? true) {
    const keep = new Set(objects.map(id));
    const selector = `app.kubernetes.io/instance=${release},${PART_OF}`;
    for (const k of CHART_KINDS) {
      if (k.kind === "CustomResourceDefinition" || k.kind === "Namespace") continue;
      const key = `${k.apiVersion}/${k.plural}`;
      if (!servedCache.has(key)) servedCache.set(key, await served(kc, k.apiVersion, k.plural));
      if (!servedCache.get(key)) continue;
      const list = await kubeRequest<{ items: KubeObject[] }>(kc, "GET", objectPath(k, namespace), {
        query: { labelSelector: selector },
      });
      for (const item of list.items) {
        const itemId = id({ ...item, kind: k.kind });
        const ours = ((item.metadata["managedFields"] ?? []) as { manager?: string }[]).some(
          (m) => m.manager === fm,
        );
        if (keep.has(itemId) || !ours) continue;
        try {
          await kubeRequest(
            kc,
            "DELETE",
            objectPath(k, item.metadata.namespace, item.metadata.name),
            {
              body: { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background" },
            },
          );
        } catch (e) {
          if (!isStatus(e, 404)) throw e;
        }
        result.pruned.push(itemId);
      }
    }
    if (result.pruned.length) log(`pruned ${result.pruned.join(", ")}`);
  }
  return result;
}

export type ComponentState = "Available" | "Progressing" | "Degraded" | "Failed";

export interface ComponentHealth {
  component: string;
  deployment: string;
  state: ComponentState;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** The rollout of the current spec is finished (observed, all replicas updated and available). */
  rolledOut: boolean;
  message: string;
}

interface DeploymentObject extends KubeObject {
  metadata: KubeObject["metadata"] & { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export function deploymentHealth(d: DeploymentObject): ComponentHealth {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const cond = (t: string) => s.conditions?.find((c) => c.type === t);
  const available = cond("Available");
  const progressing = cond("Progressing");
  const observed = (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
  const updated = s.updatedReplicas ?? 0;
  const avail = s.availableReplicas ?? 0;
  const rolledOut = observed && updated === want && avail >= want && (s.replicas ?? 0) === want;
  let state: ComponentState;
  let message: string;
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    state = "Failed";
    message = progressing.message ?? "rollout exceeded its progress deadline";
  } else if (available?.status === "True" && rolledOut) {
    state = "Available";
    message = `${avail}/${want} available`;
  } else if (available?.status === "True") {
    state = "Progressing";
    message = `rolling out: ${updated}/${want} updated, ${avail} available`;
  } else {
    // Every replica runs the current template but too few are available: pods crash, are unready or
    // cannot be scheduled. Otherwise new pods are still being rolled out.
    state = want === 0 ? "Available" : observed && updated >= want ? "Degraded" : "Progressing";
    message = available?.message ?? `${avail}/${want} available`;
  }
  return {
    component: d.metadata.labels?.["app.kubernetes.io/component"] ?? d.metadata.name,
    deployment: d.metadata.name,
    state,
    replicas: want,
    updatedReplicas: updated,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: avail,
    rolledOut,
    message,
  };
}

/** Health of every Deployment of the release, by component. */
export async function tesseraHealth(
  kc: KubeConfig,
  o: { namespace?: string; releaseName?: string } = {},
): Promise<ComponentHealth[]> {
  const list = await kubeRequest<{ items: DeploymentObject[] }>(
    kc,
    "GET",
    `/apis/apps/v1/namespaces/${o.namespace ?? "tessera-system"}/deployments`,
    {
      query: {
        labelSelector: `app.kubernetes.io/instance=${o.releaseName ?? "tessera"},${PART_OF}`,
      },
    },
  );
  return list.items.map(deploymentHealth).sort((a, b) => a.component.localeCompare(b.component));
}

/** Waits until every Deployment of the release is Available and rolled out; throws with the last health on timeout. */
export async function waitForRollout(
  kc: KubeConfig,
  o: { namespace?: string; releaseName?: string; timeoutMs?: number; pollMs?: number } = {},
): Promise<ComponentHealth[]> {
  const deadline = Date.now() + (o.timeoutMs ?? 300_000);
  for (;;) {
    const h = await tesseraHealth(kc, o);
    if (h.length > 0 && h.every((c) => c.state === "Available")) return h;
    if (Date.now() > deadline || h.some((c) => c.state === "Failed")) {
      const detail = h.map((c) => `${c.component}: ${c.state} (${c.message})`).join("; ");
      throw new Error(`rollout not complete: ${detail || "no deployments"}`);
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
