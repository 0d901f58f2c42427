// The environment this package reads; nothing else touches process.env.
export interface HelmEnv {
  /** Cache root (default ~/.cache/tessera); binaries live in <root>/bin. */
  cacheDir: string | undefined;
  /** A helm binary to use instead of the cached build. */
  helm: string | undefined;
  /** The go command (default `go` on PATH). */
  go: string | undefined;
  /** Set under CI: build with one job per CPU instead of `-p 1`. */
  ci: boolean;
  /** Overrides go build -p. */
  goBuildP: string | undefined;
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): HelmEnv {
  const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  return {
    cacheDir: nonEmpty(source["TESSERA_CACHE_DIR"]),
    helm: nonEmpty(source["TESSERA_HELM"]),
    go: nonEmpty(source["TESSERA_GO"]),
    ci: nonEmpty(source["CI"]) !== undefined,
    goBuildP: nonEmpty(source["TESSERA_GO_BUILD_P"]),
  };
}

/** The environment passed on to child processes (helm, go). */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
