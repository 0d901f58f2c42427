// Builds the helm binary from the Go module proxy into ~/.cache/tessera/bin/helm-<version>/helm
// ($TESSERA_CACHE_DIR/bin when set), like @tessera/local-cluster's binaries. A no-op when cached.
//   node infra/helm/src/binaries.ts          (npm run binaries -w @tessera/helm)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { childEnv, readEnv } from "./env.ts";

/** helm.sh/helm/v3 has no replace directives, so `go install pkg@version` works without a wrapper module. */
export const HELM_VERSION = "v3.22.0";
/** helm's Makefile stamps the Kubernetes version it was built against (client-go v0.37 → 1.37). */
const K8S_MINOR = "37";

export function cacheBinDir(env = readEnv()): string {
  const base = env.cacheDir ?? join(homedir(), ".cache", "tessera");
  return join(base, "bin");
}

/** Path of the helm binary: $TESSERA_HELM when set, else the cached build. */
export function helmPath(env = readEnv()): string {
  return env.helm ?? join(cacheBinDir(env), `helm-${HELM_VERSION}`, "helm");
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`)),
    );
  });
}

export async function ensureHelm(log: (line: string) => void = console.log): Promise<string> {
  const target = helmPath();
  if (existsSync(target)) return target;
  const dir = join(cacheBinDir(), `helm-${HELM_VERSION}`);
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const env = readEnv();
  const p = env.goBuildP ?? (env.ci ? "" : "1");
  const ldflags = [
    "-s -w",
    `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
    "-X helm.sh/helm/v3/internal/version.gitTreeState=clean",
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1",
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${K8S_MINOR}`,
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1",
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${K8S_MINOR}`,
  ].join(" ");
  const go = env.go ?? "go";
  const args = [
    "-n",
    "15",
    go,
    "install",
    ...(p ? ["-p", p] : []),
    "-trimpath",
    "-ldflags",
    ldflags,
    `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`,
  ];
  log(
    `[helm] building helm ${HELM_VERSION} from the Go module proxy (go install, -p ${p || "auto"})…`,
  );
  const started = Date.now();
  await run("nice", args, childEnv({ GOBIN: partial, CGO_ENABLED: "0" }));
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  log(`[helm] built ${target} in ${Math.round((Date.now() - started) / 1000)} s`);
  return target;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const path = await ensureHelm();
    console.log(`[helm] ${HELM_VERSION}: ${path}`);
  } catch (e) {
    console.error(`[helm] ${(e as Error).message}`);
    process.exit(1);
  }
}
