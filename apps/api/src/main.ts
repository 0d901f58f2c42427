#!/usr/bin/env node
// tessera-api: validates the environment, opens (or starts the embedded) PostgreSQL, migrates,
// builds the app, starts health polling, tenant sync and usage ingest, listens, shuts down cleanly.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createPrismaClient, migrate, readDbEnv, resolveDatabaseUrl } from "@tessera/db";
import { buildApp } from "./app.ts";
import { readEnv } from "./env.ts";
import { usageStreamConsumer } from "./services/usage-stream.ts";

function kubeconfigKey(env: ReturnType<typeof readEnv>, dataDir: string): Buffer {
  if (env.TESSERA_KUBECONFIG_KEY) return Buffer.from(env.TESSERA_KUBECONFIG_KEY, "base64");
  // Development only (readEnv refuses production without a key): a key file next to the data.
  const file = path.join(dataDir, "kubeconfig.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  return Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
}

async function main(): Promise<void> {
  const env = readEnv();
  // Same resolution as @tessera/db (relative to where npm was invoked), so both share `.tessera/`.
  const dbEnv = readDbEnv();
  const dataDir = dbEnv.dataDir;
  const database = await resolveDatabaseUrl({
    env: dbEnv,
    log: (line) => process.stderr.write(`[db] ${line}\n`),
  });
  await migrate(database.url);
  const db = createPrismaClient(database.url);
  const { app, services, registry, metrics } = await buildApp({
    db,
    kubeconfigKey: kubeconfigKey(env, dataDir),
    config: {
      dataDir,
      tenantNamespace: env.TESSERA_TENANT_NAMESPACE,
      clusterTimeoutMs: env.TESSERA_CLUSTER_TIMEOUT_MS,
      sessionTtlMs: env.TESSERA_SESSION_TTL_HOURS * 3_600_000,
      secureCookies: env.TESSERA_COOKIE_SECURE ?? env.NODE_ENV === "production",
      loginRateLimit: env.TESSERA_LOGIN_RATE_LIMIT,
      logLevel: env.LOG_LEVEL,
    },
  });
  if (env.TESSERA_BOOTSTRAP_ADMIN_EMAIL && env.TESSERA_BOOTSTRAP_ADMIN_PASSWORD) {
    if (
      await services.auth.bootstrapAdmin(
        env.TESSERA_BOOTSTRAP_ADMIN_EMAIL,
        env.TESSERA_BOOTSTRAP_ADMIN_PASSWORD,
      )
    ) {
      app.log.info(
        { email: env.TESSERA_BOOTSTRAP_ADMIN_EMAIL },
        "created the first platform admin",
      );
    }
  }
  registry.startPolling(env.TESSERA_HEALTH_INTERVAL_MS, (e) =>
    app.log.warn({ err: { message: (e as Error).message } }, "health poll failed"),
  );
  // Level-triggered tenant sync: on every change, and periodically to repair clusters that were down.
  services.tenantSync.schedule();
  const resync = setInterval(
    () => services.tenantSync.schedule(),
    env.TESSERA_HEALTH_INTERVAL_MS * 4,
  );
  resync.unref();
  const consumers = env.TESSERA_REDIS_URL.map((redisUrl) =>
    usageStreamConsumer({
      redisUrl,
      stream: env.TESSERA_USAGE_STREAM,
      usage: services.usage,
      onResult: (result) => metrics.usageEvents.inc({ result }),
      log: app.log,
    }),
  );
  for (const c of consumers) c.start();

  await app.listen({ host: env.TESSERA_API_HOST, port: env.TESSERA_API_PORT });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    clearInterval(resync);
    void (async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      await app.close();
      await db.$disconnect();
      await database.stop();
      process.exit(0);
    })();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((e: unknown) => {
  process.stderr.write(`tessera-api: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
