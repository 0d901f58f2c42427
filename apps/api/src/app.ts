// buildApp(deps): the whole API server as a Fastify instance, without listening — tests drive it
// with `app.inject`, main.ts listens. tRPC (/trpc), REST (/v1), /openapi.json, /docs, /healthz,
// /readyz and /metrics.
import type { Writable } from "node:stream";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import type { FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { ClusterRegistry } from "./clusters/registry.ts";
import { createSecretBox } from "./lib/crypto.ts";
import type { PasswordHasher } from "./lib/crypto.ts";
import { authPlugin } from "./plugins/auth.ts";
import { errorPlugin } from "./plugins/errors.ts";
import { createMetrics, metricsPlugin } from "./plugins/metrics.ts";
import type { Metrics } from "./plugins/metrics.ts";
import type { Db } from "./repositories/db.ts";
import { createRepositories } from "./repositories/index.ts";
import { registerAuthRoutes } from "./rest/auth-routes.ts";
import { buildOpenApi } from "./rest/openapi.ts";
import { renderReference } from "./rest/reference.ts";
import { registerRestRoutes } from "./rest/routes.ts";
import { createServices } from "./services/index.ts";
import type { Services } from "./services/index.ts";
import { createContextFactory } from "./trpc/context.ts";
import { allProcedures, appRouter } from "./trpc/root.ts";
import type { AppRouter } from "./trpc/root.ts";

export const API_VERSION = "0.1.0";

export interface AppConfig {
  dataDir: string;
  tenantNamespace: string;
  clusterTimeoutMs: number;
  sessionTtlMs: number;
  secureCookies: boolean;
  loginRateLimit: number;
  logLevel: string;
}

export interface AppDeps {
  db: Db;
  /** 32-byte key sealing kubeconfigs. */
  kubeconfigKey: Buffer;
  config: AppConfig;
  hasher?: PasswordHasher;
  /** Where JSON logs go (default stdout); tests capture them to check nothing secret is logged. */
  logStream?: Writable;
}

export interface App {
  app: FastifyInstance;
  services: Services;
  registry: ClusterRegistry;
  metrics: Metrics;
  openapi: Record<string, unknown>;
}

/** Paths pino must never print: credentials and kubeconfigs. */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "*.kubeconfig",
  "*.password",
  "*.token",
  "*.secret",
];

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const repos = createRepositories(deps.db);
  const metrics = createMetrics();
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,128}$/.test(given)
        ? given
        : crypto.randomUUID();
    },
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  });
  const registry = new ClusterRegistry({
    repos,
    box: createSecretBox(deps.kubeconfigKey),
    timeoutMs: config.clusterTimeoutMs,
    onHealth: (cluster, up) => metrics.clusterUp.set({ cluster }, up ? 1 : 0),
  });
  const services = createServices({
    repos,
    registry,
    tenantNamespace: config.tenantNamespace,
    clusterTimeoutMs: config.clusterTimeoutMs,
    sessionTtlMs: config.sessionTtlMs,
    ...(deps.hasher ? { hasher: deps.hasher } : {}),
    onBackgroundError: (e) =>
      app.log.warn({ err: { message: (e as Error).message } }, "background task failed"),
    usageReporter: { log: app.log, unknownCluster: metrics.usageUnknownCluster },
  });

  app.addHook("onSend", async (req, reply) => {
    void reply.header("x-request-id", req.id);
  });
  await app.register(errorPlugin);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(metricsPlugin, { metrics });
  await app.register(authPlugin, { auth: services.auth });

  app.get("/healthz", { logLevel: "warn" }, (_req, reply) => reply.send({ status: "ok" }));
  app.get("/readyz", { logLevel: "warn" }, async (_req, reply) => {
    try {
      await repos.ping();
      return { status: "ready" };
    } catch {
      return reply.status(503).send({ status: "not ready", reason: "database unreachable" });
    }
  });

  const openapi = buildOpenApi(allProcedures, API_VERSION);
  app.get("/openapi.json", (_req, reply) => reply.send(openapi));
  const reference = renderReference(openapi);
  app.get("/docs", (_req, reply) => reply.type("text/html; charset=utf-8").send(reference));

  registerAuthRoutes(app, {
    auth: services.auth,
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
  });
  registerRestRoutes(app, allProcedures, services);

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory(services),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR")
          app.log.error({ path, err: { message: error.message } }, "tRPC error");
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  app.addHook("onClose", async () => {
    await registry.stop();
    await services.tenantSync.idle();
  });
  return { app, services, registry, metrics, openapi };
}
