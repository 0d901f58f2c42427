// Finds (or installs) a Go toolchain able to build the pinned modules.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { childEnv, goOverride, searchPath } from "../env.ts";
import { run, runOk } from "../exec.ts";
import { GO_TOOLCHAIN } from "./versions.ts";

export interface GoToolchain {
  /** Path of the `go` command. */
  go: string;
  /** Version of that binary, e.g. "1.26.8". */
  version: string;
  /** GOTOOLCHAIN to use: "local" when the binary is new enough, else the pinned toolchain. */
  toolchain: string;
}

/** Compares dotted versions ("1.24.0" vs "1.25.7"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Extracts "1.26.8" from "go version go1.26.8 linux/amd64". */
export function parseGoVersion(output: string): string | undefined {
  return /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

function candidates(): string[] {
  const list: string[] = [];
  const override = goOverride();
  if (override) list.push(override);
  for (const dir of searchPath()) list.push(join(dir, "go"));
  list.push("/usr/local/go/bin/go");
  for (const minor of [26, 25, 24, 23, 22, 21]) list.push(`/usr/lib/go-1.${minor}/bin/go`);
  return list.filter((p, i) => list.indexOf(p) === i && existsSync(p));
}

async function probe(go: string): Promise<string | undefined> {
  const r = await run(go, ["version"], { env: childEnv({ GOTOOLCHAIN: "local" }) });
  return r.code === 0 ? parseGoVersion(r.stdout) : undefined;
}

/**
 * Picks the newest local Go. Go ≥1.21 fetches a newer toolchain itself (as the module
 * golang.org/toolchain from the Go proxy) when GOTOOLCHAIN names it, so an old-but-≥1.21 Go suffices.
 */
export async function findGo(minGo: string, log: (line: string) => void): Promise<GoToolchain> {
  const found: { go: string; version: string }[] = [];
  for (const go of candidates()) {
    const version = await probe(go);
    if (version) found.push({ go, version });
  }
  const choice = pickToolchain(found, minGo);
  if (choice) return choice;
  await installDebianGo(log);
  const again = pickToolchain(
    await Promise.all(candidates().map(async (go) => ({ go, version: (await probe(go)) ?? "0" }))),
    minGo,
  );
  if (!again) throw new Error("installed golang-1.23-go but still found no usable Go");
  return again;
}

/**
 * The newest Go ≥1.21 (older ones cannot switch toolchains); GOTOOLCHAIN "local" when it satisfies
 * `minGo`, else the pinned toolchain, fetched through the Go module proxy.
 */
export function pickToolchain(
  found: { go: string; version: string }[],
  minGo: string,
): GoToolchain | undefined {
  const usable = found.filter((f) => compareVersions(f.version, "1.21") >= 0);
  usable.sort((a, b) => compareVersions(b.version, a.version));
  const best = usable[0];
  if (!best) return undefined;
  const toolchain = compareVersions(best.version, minGo) >= 0 ? "local" : GO_TOOLCHAIN;
  return { ...best, toolchain };
}

/** Installs Go 1.23 from bookworm-backports (root only); GOTOOLCHAIN then brings the pinned Go. */
async function installDebianGo(log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "no Go ≥1.21 found; install one (e.g. golang-1.23-go from bookworm-backports) or set TESSERA_GO",
    );
  }
  log("no Go toolchain found: installing golang-1.23-go from bookworm-backports");
  const list = "/etc/apt/sources.list.d/tessera-backports.list";
  if (!existsSync(list)) {
    await runOk("sh", [
      "-c",
      `echo 'deb http://deb.debian.org/debian bookworm-backports main' > ${list}`,
    ]);
  }
  await runOk("apt-get", ["update", "-qq"]);
  await runOk(
    "apt-get",
    [
      "install",
      "-y",
      "-qq",
      "--no-install-recommends",
      "-t",
      "bookworm-backports",
      "golang-1.23-go",
    ],
    {
      env: childEnv({ DEBIAN_FRONTEND: "noninteractive" }),
    },
  );
}
