// Builds the pinned Go binaries into ~/.cache/tessera/bin/<family>-<version>/ (idempotent: a family
// whose binaries and stamp exist is skipped in milliseconds).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheRoot, childEnv, goBuildParallelism } from "../env.ts";
import { run, runOk, sleep } from "../exec.ts";
import { findGo } from "./go.ts";
import type { GoToolchain } from "./go.ts";
import { FAMILIES, family } from "./versions.ts";
import type { GoFamily } from "./versions.ts";

const STAMP = ".complete.json";
/** infra/local-cluster/go: the wrapper modules (go.mod, go.sum, main.go) we maintain. */
export const GO_MODULES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "go");

export function familyDir(f: GoFamily): string {
  return join(cacheRoot(), "bin", `${f.name}-${f.version}`);
}

export function isBuilt(f: GoFamily): boolean {
  const dir = familyDir(f);
  return existsSync(join(dir, STAMP)) && f.binaries.every((b) => existsSync(join(dir, b)));
}

/** Absolute path of a built binary or bundled file, e.g. `binaryPath("kube-apiserver")`. */
export function binaryPath(binary: string): string {
  const f = FAMILIES.find((x) => x.binaries.includes(binary));
  if (!f) throw new Error(`no binary family builds ${binary}`);
  const p = join(familyDir(f), binary);
  if (!existsSync(p)) {
    throw new Error(
      `${binary} ${f.version} is not built yet: run \`npm run -w @tessera/local-cluster binaries\``,
    );
  }
  return p;
}

/** A file shipped next to a family's binaries (e.g. Volcano's CRDs). */
export function familyFile(name: string, relative: string): string {
  return join(familyDir(family(name)), relative);
}

export interface EnsureOptions {
  log?: (line: string) => void;
  /** Only these families (default: all). */
  only?: string[];
  force?: boolean;
}

/** Builds every missing family; returns the families that were built. */
export async function ensureBinaries(options: EnsureOptions = {}): Promise<string[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const wanted = FAMILIES.filter((f) => !options.only || options.only.includes(f.name));
  const missing = wanted.filter((f) => options.force || !isBuilt(f));
  if (missing.length === 0) {
    log(`binaries: all ${wanted.length} families present in ${join(cacheRoot(), "bin")}`);
    return [];
  }
  return withBuildLock(log, async () => {
    // Another process may have built them while we waited for the lock.
    const still = wanted.filter((f) => options.force || !isBuilt(f));
    return still.length === 0 ? [] : buildMissing(still, log);
  });
}

/**
 * One build at a time per cache (two `up`s or two engineers must not build the same family into the
 * same directory): a lock file holding the builder's PID; a lock whose PID is gone is taken over.
 */
async function withBuildLock<T>(log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const dir = join(cacheRoot(), "bin");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, ".build.lock");
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch {
      const holder = Number(readFileSyncSafe(lock));
      if (!Number.isInteger(holder) || holder <= 0 || !existsSync(`/proc/${holder}`)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) log(`binaries: waiting for the build in process ${holder} to finish…`);
      announced = true;
      await sleep(1_000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

async function buildMissing(missing: GoFamily[], log: (line: string) => void): Promise<string[]> {
  const minGo =
    missing
      .map((f) => f.minGo)
      .sort(compareDotted)
      .pop() ?? "1.24.0";
  const go = await findGo(minGo, log);
  log(
    `binaries: using ${go.go} (go${go.version}, GOTOOLCHAIN=${go.toolchain}); building ${missing.map((f) => f.name).join(", ")}`,
  );
  const built: string[] = [];
  for (const f of missing) {
    const started = Date.now();
    await buildFamily(f, go, log);
    log(
      `binaries: ${f.name} ${f.version} ready in ${formatDuration(Date.now() - started)} → ${familyDir(f)}`,
    );
    built.push(f.name);
  }
  return built;
}

function compareDotted(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function goEnv(go: GoToolchain): NodeJS.ProcessEnv {
  return childEnv({
    GOTOOLCHAIN: go.toolchain,
    GOFLAGS: "-mod=mod -buildvcs=false",
    CGO_ENABLED: "0",
  });
}

async function buildFamily(
  f: GoFamily,
  go: GoToolchain,
  log: (line: string) => void,
): Promise<void> {
  const env = goEnv(go);
  const tag = `${f.name} ${f.version}`;
  const moduleDir = f.inModule
    ? await prepareModuleSource(f, go, log)
    : join(GO_MODULES_DIR, f.name);
  if (!existsSync(join(moduleDir, "go.mod"))) throw new Error(`${moduleDir}/go.mod is missing`);

  log(`binaries: ${tag}: downloading modules (a cold cache fetches a few hundred MB)…`);
  const ticker = startTicker(log, `${tag}: downloading`);
  try {
    await runOk(go.go, ["mod", "download"], { cwd: moduleDir, env });
  } finally {
    ticker.stop();
  }

  const listed = await runOk(go.go, ["list", "-deps", ...f.packages], { cwd: moduleDir, env });
  const total = listed.split("\n").filter(Boolean).length;

  const out = `${familyDir(f)}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  let compiled = 0;
  const started = Date.now();
  let lastReport = 0;
  const report = (force: boolean) => {
    if (!force && Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    log(
      `binaries: ${tag}: compiled ${compiled} of at most ${total} packages (${formatDuration(Date.now() - started)})`,
    );
  };
  const timer = setInterval(() => report(false), 10_000);
  try {
    for (const [i, pkg] of f.packages.entries()) {
      const binary = f.binaries[i];
      if (!binary) throw new Error(`${f.name}: no binary name for ${pkg}`);
      log(`binaries: ${tag}: building ${binary}`);
      const args = [
        "build",
        "-v",
        "-p",
        String(goBuildParallelism()),
        "-trimpath",
        ...(f.tags?.length ? ["-tags", f.tags.join(",")] : []),
        "-ldflags",
        ["-s", "-w", ...(f.ldflags ?? [])].join(" "),
        "-o",
        join(out, binary),
        pkg,
      ];
      const [cmd, cmdArgs] = niced(go.go, args);
      const r = await run(cmd, cmdArgs, {
        cwd: moduleDir,
        env,
        onStderrLine: (line) => {
          if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line.trim())) {
            compiled++;
            report(false);
          }
        },
      });
      if (r.code !== 0) {
        const errors = r.stderr
          .split("\n")
          .filter((l) => !/^[\w.-]+(\/[\w.~+-]+)*$/.test(l.trim()))
          .join("\n");
        throw new Error(`go build ${pkg} failed (exit ${r.code}):\n${errors.slice(-4000)}`);
      }
    }
  } finally {
    clearInterval(timer);
  }
  report(true);
  for (const [from, to] of Object.entries(f.inModule?.copy ?? {})) {
    cpSync(join(moduleDir, from), join(out, to), { recursive: true });
  }
  await verify(f, out);
  writeFileSync(
    join(out, STAMP),
    JSON.stringify(
      { family: f.name, version: f.version, go: go.version, builtAt: new Date().toISOString() },
      null,
      2,
    ),
  );
  rmSync(familyDir(f), { recursive: true, force: true });
  renameSync(out, familyDir(f));
}

/** Runs each fresh binary once (`--version`/`--help`) so a broken build is caught here, not at `up`. */
async function verify(f: GoFamily, dir: string): Promise<void> {
  for (const b of f.binaries) {
    const path = join(dir, b);
    if (!statSync(path).isFile()) throw new Error(`${path} was not produced`);
    const r = await run(path, ["--help"], { timeout: 30_000 });
    if (!/usage|flags|Usage/i.test(r.stdout + r.stderr)) {
      throw new Error(
        `${b} --help did not print usage (exit ${r.code}): ${(r.stdout + r.stderr).slice(0, 500)}`,
      );
    }
  }
}

function niced(command: string, args: string[]): [string, string[]] {
  for (const nice of ["/usr/bin/nice", "/bin/nice"]) {
    if (existsSync(nice)) return [nice, ["-n", "15", command, ...args]];
  }
  return [command, args];
}

function startTicker(log: (line: string) => void, what: string): { stop: () => void } {
  const started = Date.now();
  const timer = setInterval(
    () => log(`binaries: ${what} (${formatDuration(Date.now() - started)})`),
    15_000,
  );
  return { stop: () => clearInterval(timer) };
}

/**
 * Copies a module's source out of GOMODCACHE (read-only there) so it can be built as the main
 * module, with its own replace directives, plus ours for nested staging modules that zips lack.
 */
async function prepareModuleSource(
  f: GoFamily,
  go: GoToolchain,
  log: (line: string) => void,
): Promise<string> {
  const spec = f.inModule;
  if (!spec) throw new Error("not an in-module family");
  const dir = join(cacheRoot(), "src", `${f.name}-${f.version}`);
  if (existsSync(join(dir, ".prepared"))) return dir;
  const env = goEnv(go);
  log(`binaries: ${f.name} ${f.version}: fetching module source ${spec.module}@${f.version}`);
  const info = JSON.parse(
    await runOk(go.go, ["mod", "download", "-json", `${spec.module}@${f.version}`], {
      env,
      cwd: cacheRoot(),
    }),
  ) as { Dir?: string; Error?: string };
  if (!info.Dir)
    throw new Error(`go mod download ${spec.module}@${f.version}: ${info.Error ?? "no Dir"}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(info.Dir, dir, { recursive: true });
  await runOk("chmod", ["-R", "u+w", dir]);
  for (const [mod, target] of Object.entries(spec.replaces)) {
    await runOk(go.go, ["mod", "edit", `-replace=${mod}=${target}`], { cwd: dir, env });
  }
  // Our resolved go.sum (committed under go/<family>) makes the build reproducible.
  const sum = join(GO_MODULES_DIR, f.name, "go.sum");
  if (existsSync(sum)) writeFileSync(join(dir, "go.sum"), readFileSync(sum));
  writeFileSync(join(dir, ".prepared"), new Date().toISOString());
  return dir;
}
