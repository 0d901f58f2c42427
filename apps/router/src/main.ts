#!/usr/bin/env node
// tessera-router: the per-cluster OpenAI-compatible data plane.
//   tessera-router --config FILE [--port P] [--metrics-port P] [--scheduler-config FILE]   (file mode)
//   tessera-router [--namespace NS] [--scheduler-config FILE]                                (Kubernetes mode)
import { parseArgs } from "node:util";
import pino from "pino";
import { readEnv } from "./env.ts";
import type { Env } from "./env.ts";
import { pdConfigFromEnv } from "./pd/decider.ts";
import type { TenancyOptions } from "./tenancy/tenancy.ts";
import { Router } from "./router.ts";
import { FileSource } from "./sources/file/file-source.ts";
import { KubernetesSource } from "./sources/kubernetes/kubernetes-source.ts";

const USAGE = `usage: tessera-router [--config FILE] [--scheduler-config FILE] [--port P] [--metrics-port P]
                      [--host H] [--namespace NS]
  --config FILE            file mode: ModelRoute/ModelServer/Pod objects (multi-document YAML), hot-reloaded
  --scheduler-config FILE  scheduler plugins, weights and profiles (YAML), hot-reloaded
  --port P                 API port, also /healthz /readyz /metrics unless --metrics-port (default 8080)
  --metrics-port P         serve /healthz /readyz /metrics /debug/* on a separate port
  --namespace NS           Kubernetes mode: watch one namespace (default: all)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      "scheduler-config": { type: "string" },
      port: { type: "string" },
      "metrics-port": { type: "string" },
      host: { type: "string" },
      namespace: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = readEnv();
  // Asynchronous stdout: access logs must not cost a synchronous write per request.
  const logger = pino(
    { name: "tessera-router", level: env.LOG_LEVEL },
    pino.destination({ dest: 1, sync: false }),
  );
  const port = values.port !== undefined ? Number(values.port) : env.ROUTER_PORT;
  const metricsPort =
    values["metrics-port"] !== undefined ? Number(values["metrics-port"]) : env.ROUTER_METRICS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid --port ${values.port ?? ""}`);
  const router = new Router({
    logger,
    accessLog: env.ACCESS_LOG_ENABLED,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: env.BODY_TIMEOUT_MS,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    drainTimeoutMs: env.DRAIN_TIMEOUT_MS,
    debug: env.DEBUG_ENDPOINTS,
    debugDecisions: env.DEBUG_DECISIONS,
    pd: pdConfigFromEnv(env.PD_DECIDER, env.PD_DECIDER_CONFIG),
    scraper: {
      intervalMs: env.METRICS_SCRAPE_INTERVAL_MS,
      staleAfterMs: env.METRICS_STALE_AFTER_MS,
    },
    ...(env.TENANCY_ENABLED || env.TENANCY_REDIS_URL !== undefined
      ? { tenancy: tenancyFromEnv(env) }
      : {}),
  });
  const configPath = values.config ?? env.ROUTER_CONFIG;
  const schedulerConfigPath = values["scheduler-config"] ?? env.ROUTER_SCHEDULER_CONFIG;
  let stopSource: () => Promise<void> | void;
  if (configPath !== undefined) {
    const src = new FileSource(router, { path: configPath, schedulerConfigPath });
    await src.start();
    stopSource = () => src.close();
  } else {
    // Objects from the cluster; the scheduler config, if any, from a mounted file.
    const sched =
      schedulerConfigPath !== undefined ? new FileSource(router, { schedulerConfigPath }) : null;
    await sched?.start();
    const src = new KubernetesSource(router, {
      namespace: values.namespace ?? env.ROUTER_NAMESPACE,
    });
    await src.start();
    stopSource = async () => {
      sched?.close();
      await src.stop();
    };
  }
  router.start();
  const bound = await router.listen(port, values.host ?? env.ROUTER_HOST, metricsPort);
  logger.info(
    {
      port: bound.port,
      metricsPort: bound.metricsPort,
      mode: configPath !== undefined ? "file" : "kubernetes",
    },
    "router listening",
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    void Promise.resolve(stopSource())
      .then(() => router.close())
      .then(() => {
        logger.info("stopped");
        logger.flush(() => process.exit(0));
      });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("uncaughtException", (err) =>
    logger.error({ err }, "uncaught exception (kept running)"),
  );
  process.on("unhandledRejection", (err) =>
    logger.error({ err }, "unhandled rejection (kept running)"),
  );
}

function tenancyFromEnv(env: Env): TenancyOptions {
  return {
    auth: env.TENANCY_AUTH,
    ...(env.TENANCY_REDIS_URL !== undefined ? { redisUrl: env.TENANCY_REDIS_URL } : {}),
    failModes: {
      minute: env.TENANCY_FAIL_MINUTE,
      calendar: env.TENANCY_FAIL_CALENDAR,
      concurrency: env.TENANCY_FAIL_CONCURRENCY,
    },
    outputReserve: env.TENANCY_OUTPUT_RESERVE,
    tokenCount: env.TENANCY_TOKEN_COUNT,
    leaseMs: env.UPSTREAM_TIMEOUT_MS + 60_000,
    ...(env.TENANCY_QUEUE_CAPACITY !== undefined
      ? {
          fairness: {
            capacity: env.TENANCY_QUEUE_CAPACITY,
            timeoutMs: env.TENANCY_QUEUE_TIMEOUT_MS,
          },
        }
      : {}),
    ...(env.TENANCY_JWKS_URL !== undefined
      ? {
          jwt: {
            jwksUrl: env.TENANCY_JWKS_URL,
            tenantClaim: env.TENANCY_JWT_TENANT_CLAIM,
            ...(env.TENANCY_JWT_ISSUER !== undefined ? { issuer: env.TENANCY_JWT_ISSUER } : {}),
            ...(env.TENANCY_JWT_AUDIENCE !== undefined
              ? { audience: env.TENANCY_JWT_AUDIENCE }
              : {}),
          },
        }
      : {}),
    usage: {
      stream: env.USAGE_STREAM,
      ...(env.USAGE_SPOOL_PATH !== undefined ? { spoolPath: env.USAGE_SPOOL_PATH } : {}),
      ...(env.TESSERA_CLUSTER !== undefined ? { cluster: env.TESSERA_CLUSTER } : {}),
    },
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`tessera-router: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
