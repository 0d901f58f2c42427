#!/usr/bin/env node
// `npm start`: the local Tessera stack on embedded defaults, ready within a minute on a fresh machine.
// The control-plane database (embedded PostgreSQL, migrated), the API server with a demo tenant and
// API key, simulated vLLM engines on loopback "pod" addresses, the router in file mode in front of
// them, and the console. Once all of that answers, a real local cluster comes up in the background
// (local-cluster.ts) and joins the API; TESSERA_LOCAL_CLUSTER=off skips it.
import { access, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { migrate, resolveDatabaseUrl } from "@tessera/db";
import { loadOrCreateCredentials, saveCredentials } from "./credentials.ts";
import { demoRouterConfig, loopbackRange } from "./demo-config.ts";
import { login } from "./api.ts";
import { ensureDemoTenant } from "./demo-tenant.ts";
import { exportDataDir, readMainEnv } from "./env.ts";
import { LocalCluster } from "./local-cluster.ts";
import { Supervisor, waitForHttp } from "./supervisor.ts";

const REPO = path.resolve(import.meta.dirname, "../../..");
const SIM_CLI = path.join(REPO, "packages/engine-sim/src/cli/main.ts");
const ROUTER_CLI = path.join(REPO, "apps/router/src/main.ts");
const API_MAIN = path.join(REPO, "apps/api/src/main.ts");
const CONSOLE_DIR = path.join(REPO, "apps/console");
const NEXT_CLI = createRequire(path.join(CONSOLE_DIR, "package.json")).resolve(
  "next/dist/bin/next",
);

/** A production build is served as is; otherwise the dev server compiles pages on first visit. */
async function consoleMode(): Promise<"start" | "dev"> {
  try {
    await access(path.join(CONSOLE_DIR, ".next", "BUILD_ID"));
    return "start";
  } catch {
    return "dev";
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const env = readMainEnv();
  const started = Date.now();
  await mkdir(env.dataDir, { recursive: true });
  exportDataDir(env.dataDir);

  log(`tessera: state in ${env.dataDir}`);
  const db = await resolveDatabaseUrl();
  const migrated = await migrate(db.url);
  log(
    `tessera: database ready (${db.embedded ? `embedded PostgreSQL on port ${db.embedded.port}` : "DATABASE_URL"}; ` +
      `${migrated.applied.length} migrations applied, ${migrated.alreadyApplied.length} already there)`,
  );

  const supervisor = new Supervisor(log);
  let cluster: LocalCluster | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (code: number) => {
    stopping ??= (async () => {
      log("tessera: stopping");
      // Order: no new cluster steps; the programs (controller and routers before the API); the
      // cluster's own processes; the database last.
      cluster?.halt();
      await supervisor.stop();
      if (cluster) {
        log(`tessera: stopping local cluster ${cluster.name}`);
        await cluster.teardown();
      }
      await db.stop();
      process.exit(code);
    })();
    return stopping;
  };
  supervisor.onUnexpectedExit = (name, code) => {
    log(`tessera: ${name} exited (code ${code}); stopping the stack`);
    void shutdown(1);
  };
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));

  try {
    const credentials = await loadOrCreateCredentials(env.dataDir);
    supervisor.start({
      name: "api",
      script: API_MAIN,
      args: [],
      env: {
        DATABASE_URL: db.url,
        TESSERA_DATA_DIR: env.dataDir,
        TESSERA_API_PORT: String(env.TESSERA_API_PORT),
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: credentials.adminEmail,
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: credentials.adminPassword,
        LOG_LEVEL: "warn",
      },
    });
    const apiUrl = `http://127.0.0.1:${env.TESSERA_API_PORT}`;
    await waitForHttp(`${apiUrl}/readyz`, 60_000);
    const session = await login(apiUrl, credentials.adminEmail, credentials.adminPassword);
    const demo = await ensureDemoTenant(session, env.TESSERA_DEMO_MODEL, credentials.demoKey);
    if (credentials.demoKey?.id !== demo.keyId) {
      await saveCredentials(env.dataDir, {
        ...credentials,
        demoKey: { id: demo.keyId, secret: demo.secret },
      });
    }

    const mode = await consoleMode();
    supervisor.start({
      name: "console",
      script: NEXT_CLI,
      args: [mode, "--port", String(env.TESSERA_CONSOLE_PORT), "--hostname", "127.0.0.1"],
      cwd: CONSOLE_DIR,
      env: { TESSERA_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: "1" },
    });
    const consoleUrl = `http://127.0.0.1:${env.TESSERA_CONSOLE_PORT}`;

    const podIPs = loopbackRange(env.TESSERA_SIM_FIRST_IP, env.TESSERA_SIM_REPLICAS);
    const servedModel = `tessera/${env.TESSERA_DEMO_MODEL}`;
    supervisor.start({
      name: "engines",
      script: SIM_CLI,
      args: [
        ...["--engine", "vllm", "--model", servedModel, "--preset", env.TESSERA_SIM_PRESET],
        ...["--host", env.TESSERA_SIM_FIRST_IP, "--port", String(env.TESSERA_SIM_PORT)],
        ...["--replicas", String(env.TESSERA_SIM_REPLICAS), "--addressing", "loopback"],
        ...["--time-scale", String(env.TESSERA_SIM_TIME_SCALE)],
      ],
    });
    await Promise.all(
      podIPs.map((ip) => waitForHttp(`http://${ip}:${env.TESSERA_SIM_PORT}/health`, 30_000)),
    );

    const configPath = path.join(env.dataDir, "router", "demo.yaml");
    await mkdir(path.dirname(configPath), { recursive: true });
    await writeFile(
      configPath,
      demoRouterConfig({
        model: env.TESSERA_DEMO_MODEL,
        servedModel,
        port: env.TESSERA_SIM_PORT,
        podIPs,
        tenant: { slug: demo.slug, keyId: demo.keyId, secret: demo.secret },
      }),
    );
    supervisor.start({
      name: "router",
      script: ROUTER_CLI,
      args: ["--config", configPath, "--port", String(env.TESSERA_ROUTER_PORT)],
      // Tenancy on: requests need the demo tenant's API key and count against its quota.
      env: { ACCESS_LOG_ENABLED: "false", TENANCY_ENABLED: "true" },
    });
    const routerUrl = `http://127.0.0.1:${env.TESSERA_ROUTER_PORT}`;
    await waitForHttp(`${routerUrl}/readyz`, 30_000);
    // The dev server compiles the login page on this first request.
    await waitForHttp(`${consoleUrl}/login`, 180_000);

    log("");
    log(`tessera: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    log(
      `  console              ${consoleUrl}   (${mode === "dev" ? "next dev" : "production build"})`,
    );
    log(`  router (OpenAI API)  ${routerUrl}/v1   model "${env.TESSERA_DEMO_MODEL}"`);
    log(`  API                  ${apiUrl}   (reference: ${apiUrl}/docs)`);
    log(`  operator login       ${credentials.adminEmail} / ${credentials.adminPassword}`);
    log(`  demo tenant API key  ${demo.secret}`);
    log(`  router metrics       ${routerUrl}/metrics`);
    log(`  simulated engines    ${podIPs.map((ip) => `${ip}:${env.TESSERA_SIM_PORT}`).join(", ")}`);
    log(
      `  database             ${db.embedded ? `embedded PostgreSQL, port ${db.embedded.port}` : "DATABASE_URL"}`,
    );
    log(`  router config        ${configPath}`);
    log("");
    log("  try:");
    log(`  curl -s ${routerUrl}/v1/chat/completions -H 'content-type: application/json' \\`);
    log(`    -H 'authorization: Bearer ${demo.secret}' \\`);
    log(
      `    -d '{"model":"${env.TESSERA_DEMO_MODEL}","messages":[{"role":"user","content":"Hello"}]}'`,
    );
    log("");
    if (env.TESSERA_LOCAL_CLUSTER === "on") {
      log(
        "tessera: bringing up a real local cluster in the background " +
          "(progress below and in the console; TESSERA_LOCAL_CLUSTER=off skips it)",
      );
      cluster = new LocalCluster({
        name: "local",
        session,
        supervisor,
        log,
        model: env.TESSERA_DEMO_MODEL,
        servedModel,
        demoKey: demo.secret,
        routerPort: env.TESSERA_CLUSTER_ROUTER_PORT,
        controllerPort: env.TESSERA_CONTROLLER_PORT,
        sim: {
          preset: env.TESSERA_SIM_PRESET,
          timeScale: env.TESSERA_SIM_TIME_SCALE,
          replicas: env.TESSERA_SIM_REPLICAS,
        },
      });
      cluster.start();
    }
    log("tessera: press Ctrl-C to stop");
  } catch (e) {
    log(`tessera: start failed: ${e instanceof Error ? e.message : String(e)}`);
    await shutdown(1);
  }
}

await main();
