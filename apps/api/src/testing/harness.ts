// Test harness: the real app (buildApp) on the run's shared PostgreSQL, driven with app.inject.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { createPrismaClient } from "@tessera/db";
import { inject } from "vitest";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../app.ts";
import type { App } from "../app.ts";
import { createPasswordHasher } from "../lib/crypto.ts";
import type { PlatformRoleName } from "../trpc/procedure.ts";

/** The same key in every test app of a run, so any app can read clusters another registered. */
export const TEST_KUBECONFIG_KEY = Buffer.alloc(32, 7);

export interface TestApp extends App {
  logs: string[];
  dataDir: string;
  close(): Promise<void>;
  /** A user with a password, signed in; returns its bearer token. */
  user(
    role: PlatformRoleName,
    memberships?: { tenantId: string; role: "TENANT_ADMIN" | "VIEWER" }[],
  ): Promise<{ id: string; email: string; token: string }>;
  call(
    method: InjectOptions["method"],
    url: string,
    token?: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** A kubeconfig for a cluster at `server` that is not there (register with allowUnreachable). */
export const fakeKubeconfig = (server = "https://127.0.0.1:1"): string =>
  `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: not-a-secret}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;

export const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString("hex")}`;

export async function createTestApp(options: { clusterTimeoutMs?: number } = {}): Promise<TestApp> {
  const url = inject("tesseraApiDatabaseUrl");
  if (!url) throw new Error("no test database (integration tests need the pg global setup)");
  const db = createPrismaClient(url, { poolSize: 4 });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tessera-api-test-"));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString("utf8"));
      cb();
    },
  });
  const built = await buildApp({
    db,
    kubeconfigKey: TEST_KUBECONFIG_KEY,
    config: {
      dataDir,
      tenantNamespace: "tessera-system",
      clusterTimeoutMs: options.clusterTimeoutMs ?? 4000,
      sessionTtlMs: 3_600_000,
      secureCookies: false,
      loginRateLimit: 5,
      logLevel: "info",
    },
    hasher: createPasswordHasher({ memorySize: 1024, iterations: 1 }),
    logStream,
  });
  const call: TestApp["call"] = (method, url, token, body) =>
    built.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
    });
  return {
    ...built,
    logs,
    dataDir,
    call,
    async user(role, memberships = []) {
      const email = `${unique("user")}@example.test`;
      const password = "correct horse battery staple";
      const u = await built.services.auth.createUser({ email, password, platformRole: role });
      for (const m of memberships)
        await built.services.repos.tenants.upsertMember(m.tenantId, u.id, m.role);
      // A distinct client address per login keeps the login rate limit out of the way.
      const remoteAddress = `10.${randomBytes(3).join(".")}`;
      const res = await built.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { email, password },
        remoteAddress,
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return { id: u.id, email, token: res.json<{ token: string }>().token };
    },
    async close() {
      await built.app.close();
      await db.$disconnect();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
