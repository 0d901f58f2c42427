// Installing or upgrading Tessera's in-cluster components from the console (issue #12): the chart is
// rendered and server-side applied by @tessera/helm's installTessera as a background operation, one
// per cluster at a time. Operations are rows in component_installs, so the last result is still
// there after an API restart; an operation the API was running when it stopped is closed as FAILED
// ("interrupted") once its heartbeat is older than STALE_AFTER_MS.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  CHART_DIR,
  HelmError,
  installTessera,
  renderForInstall,
  tesseraHealth,
  waitForRollout,
} from "@tessera/helm";
import type { ComponentHealth } from "@tessera/helm";
import { parse } from "yaml";
import { ApiError } from "../errors.ts";
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { Prisma } from "../repositories/db.ts";
import type { Repositories } from "../repositories/index.ts";
import type { InstallRow } from "../repositories/component-installs.ts";
import type { AuditService, Caller } from "./audit.ts";
import type { ClustersService } from "./clusters.ts";

export const DEFAULT_COMPONENTS_NAMESPACE = "tessera-system";
const RELEASE = "tessera";
const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;

export type OperationState = "Running" | "Succeeded" | "Failed";

export interface InstallOperation {
  id: string;
  clusterId: string;
  namespace: string;
  version: string;
  state: OperationState;
  messages: string[];
  startedAt: string;
  finishedAt?: string;
  applied: string[];
  pruned: string[];
  skipped: string[];
  error?: string;
}

export interface ComponentsStatus {
  operation: InstallOperation | null;
  /** Health of the release's Deployments in the namespace (of the last install, or the default). */
  health: ComponentHealth[];
  /** Why `health` could not be read (cluster unreachable), if so. */
  healthError?: string;
}

/** The chart's appVersion: what `tesseraVersion` of the cluster becomes after an install. */
export function chartAppVersion(chartDir = CHART_DIR): string {
  const chart = parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as {
    appVersion?: string;
    version?: string;
  };
  return String(chart.appVersion ?? chart.version ?? "unknown");
}

/**
 * helm's schema errors ("- at '/router/replicaCount': got string, want integer") as field issues
 * (`values.router.replicaCount`); anything else helm says is one issue on `values`.
 */
export function valuesError(helmMessage: string): ApiError {
  const issues = [...helmMessage.matchAll(/^- at '([^']*)': (.+)$/gm)].map((m) => ({
    path: ["values", ...(m[1] ?? "").split("/").filter(Boolean)].join("."),
    message: m[2] ?? "invalid",
  }));
  if (issues.length === 0)
    issues.push({
      path: "values",
      message: helmMessage.replace(/^helm template failed: (Error: )?/, ""),
    });
  return new ApiError(
    "API_ERR_VALIDATION",
    issues.map((i) => `${i.path}: ${i.message}`).join("; "),
    { issues },
  );
}

const SECRET_KEY = /pass(word)?|secret|token|credential|url|dsn|key$/i;

/**
 * Values as they are stored and audit-logged: string leaves under keys that may hold credentials
 * (e.g. `redis.url` with a password) are replaced. The chart itself gets the values unchanged.
 */
export function redactValues(v: unknown, key = ""): unknown {
  if (Array.isArray(v)) return v.map((x) => redactValues(x, key));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactValues(x, k)]));
  return typeof v === "string" && SECRET_KEY.test(key) && v !== "" ? "[redacted]" : v;
}

function toOperation(r: InstallRow): InstallOperation {
  const state: OperationState =
    r.state === "RUNNING" ? "Running" : r.state === "SUCCEEDED" ? "Succeeded" : "Failed";
  return {
    id: r.id,
    clusterId: r.clusterId,
    namespace: r.namespace,
    version: r.version,
    state,
    messages: r.messages,
    startedAt: r.startedAt.toISOString(),
    ...(r.finishedAt ? { finishedAt: r.finishedAt.toISOString() } : {}),
    applied: r.applied,
    pruned: r.pruned,
    skipped: r.skipped,
    ...(r.error ? { error: r.error } : {}),
  };
}

export function componentsService(deps: {
  repos: Repositories;
  registry: ClusterRegistry;
  clusters: ClustersService;
  audit: AuditService;
  /** How long an install waits for the Deployments to roll out before it fails. */
  rolloutTimeoutMs?: number;
  onBackgroundError: (e: unknown) => void;
}) {
  const { repos, registry, clusters, audit } = deps;
  const rolloutTimeoutMs = deps.rolloutTimeoutMs ?? 300_000;
  const running = new Set<Promise<void>>();

  async function run(
    caller: Caller,
    op: InstallRow,
    kc: KubeConfig,
    values: Record<string, unknown>,
  ): Promise<void> {
    const say = (m: string) =>
      repos.componentInstalls.message(op.id, m).then(
        () => undefined,
        (e: unknown) => deps.onBackgroundError(e),
      );
    const beat = setInterval(() => {
      repos.componentInstalls.heartbeat(op.id).catch(deps.onBackgroundError);
    }, HEARTBEAT_MS);
    beat.unref();
    let result = { applied: [] as string[], pruned: [] as string[], skipped: [] as string[] };
    let error: string | null = null;
    try {
      await say(`installing Tessera ${op.version} into namespace ${op.namespace}`);
      // Progress messages are written in order, without holding up the install.
      let chain = Promise.resolve();
      result = await installTessera({
        kubeConfig: kc,
        namespace: op.namespace,
        releaseName: RELEASE,
        values,
        onProgress: (m) => {
          chain = chain.then(() => say(m));
        },
      });
      await chain;
      await say(`waiting for the Deployments to roll out (up to ${rolloutTimeoutMs / 1000} s)`);
      const health = await waitForRollout(kc, {
        namespace: op.namespace,
        releaseName: RELEASE,
        timeoutMs: rolloutTimeoutMs,
        pollMs: 1000,
      });
      await say(`rolled out: ${health.map((h) => `${h.component} ${h.message}`).join(", ")}`);
      await repos.clusters.update(op.clusterId, { tesseraVersion: op.version });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearInterval(beat);
    }
    const done = await repos.componentInstalls.finish(op.id, {
      state: error ? "FAILED" : "SUCCEEDED",
      ...result,
      error,
    });
    await audit.record(caller, {
      action: error ? "components.install.failed" : "components.install.succeeded",
      targetType: "ComponentInstall",
      targetId: op.id,
      clusterId: op.clusterId,
      after: toOperation(done),
    });
  }

  return {
    /** Starts an install; returns at once. 409 while another install of the cluster runs. */
    async install(
      caller: Caller,
      input: {
        clusterId: string;
        namespace?: string | undefined;
        values?: Record<string, unknown> | undefined;
      },
    ): Promise<{ operationId: string }> {
      await clusters.get(input.clusterId);
      const namespace = input.namespace ?? DEFAULT_COMPONENTS_NAMESPACE;
      const values = input.values ?? {};
      // Render first: values the chart's schema rejects are a 400 now, not a failed operation later.
      try {
        await renderForInstall({ namespace, releaseName: RELEASE, values });
      } catch (e) {
        if (!(e instanceof HelmError)) throw e;
        throw valuesError(e.message);
      }
      const { kc } = await registry.handle(input.clusterId);
      const actor = caller.actor;
      const { running: busy, started } = await repos.componentInstalls.startIfIdle(
        {
          clusterId: input.clusterId,
          namespace,
          values: redactValues(values) as Prisma.InputJsonValue,
          version: chartAppVersion(),
          startedById: actor?.type === "user" ? actor.userId : null,
        },
        new Date(Date.now() - STALE_AFTER_MS),
      );
      if (!started)
        throw new ApiError(
          "API_ERR_CONFLICT",
          `an install is already running on this cluster (operation ${busy?.id ?? "?"})`,
          { details: { operationId: busy?.id } },
        );
      await audit.record(caller, {
        action: "components.install",
        targetType: "ComponentInstall",
        targetId: started.id,
        clusterId: input.clusterId,
        after: { namespace, version: started.version, values: redactValues(values) },
      });
      const p = run(caller, started, kc, values)
        .catch(deps.onBackgroundError)
        .finally(() => running.delete(p));
      running.add(p);
      return { operationId: started.id };
    },

    async status(input: {
      clusterId: string;
      namespace?: string | undefined;
    }): Promise<ComponentsStatus> {
      await clusters.get(input.clusterId);
      let row = await repos.componentInstalls.latest(input.clusterId);
      if (row?.state === "RUNNING") {
        const stale = new Date(Date.now() - STALE_AFTER_MS);
        if ((await repos.componentInstalls.closeStale(row.id, stale)).count > 0)
          row = await repos.componentInstalls.latest(input.clusterId);
      }
      const namespace = input.namespace ?? row?.namespace ?? DEFAULT_COMPONENTS_NAMESPACE;
      try {
        const health = await registry.call(input.clusterId, "component health", (kc) =>
          tesseraHealth(kc, { namespace, releaseName: RELEASE }),
        );
        return { operation: row ? toOperation(row) : null, health };
      } catch (e) {
        return {
          operation: row ? toOperation(row) : null,
          health: [],
          healthError: e instanceof Error ? e.message : String(e),
        };
      }
    },

    /** Waits for installs this process started (graceful shutdown, tests). */
    async drain(): Promise<void> {
      await Promise.all([...running]);
    },
  };
}
export type ComponentsService = ReturnType<typeof componentsService>;
