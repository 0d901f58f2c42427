// The schema as the application sees it: the migrated database matches schema.prisma (drift
// test), and the generated Prisma client works on it through @prisma/adapter-pg.
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSchemas, SCHEMA_PATH } from "../scripts/lib/schema-diff.ts";
import { createPrismaClient } from "./client.ts";
import { Prisma, type PrismaClient } from "./index.ts";
import { migrate } from "./migrate.ts";
import { catalogSnapshot, startTestServer, type TestServer } from "./testing.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(process.env.DATABASE_URL);
});
afterAll(async () => {
  await server?.close();
});

async function exec(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("drift: committed migrations vs schema.prisma", () => {
  it("the migrated database has exactly the structure Prisma derives from schema.prisma", async () => {
    const migrated = await server.createDatabase();
    await migrate(migrated);

    // What Prisma itself would create from the current schema, from nothing.
    const expectedSql = await diffSchemas(
      { empty: true },
      await fs.readFile(SCHEMA_PATH, "utf8"),
      server.adminUrl,
    );
    const reference = await server.createDatabase();
    await exec(reference, expectedSql);

    const actual = await catalogSnapshot(migrated);
    const expected = await catalogSnapshot(reference);
    expect(expected.columns.length).toBeGreaterThan(100);
    // On failure: schema.prisma changed without a migration (run `npm run db:diff -w @tessera/db
    // -- <name>`), or a migration was edited by hand away from what the schema says.
    expect(actual).toEqual(expected);

    // The comparison is sensitive: one extra column or a changed FK action is a difference.
    await exec(migrated, `ALTER TABLE tenants ADD COLUMN extra INT`);
    expect((await catalogSnapshot(migrated)).columns).not.toEqual(expected.columns);
    await exec(
      reference,
      `ALTER TABLE usage_records DROP CONSTRAINT usage_records_tenant_id_fkey,
         ADD CONSTRAINT usage_records_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE`,
    );
    expect((await catalogSnapshot(reference)).constraints).not.toEqual(expected.constraints);
  });
});

describe("Prisma client on the migrated schema", () => {
  let prisma: PrismaClient;
  beforeAll(async () => {
    const url = await server.createDatabase();
    await migrate(url);
    prisma = createPrismaClient(url, { poolSize: 4 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
  });

  async function tenantWithKey(slug: string) {
    const admin = await prisma.user.create({
      data: { email: `${slug}-admin@example.com`, passwordHash: "$scrypt$placeholder" },
    });
    const tenant = await prisma.tenant.create({
      data: {
        slug,
        name: `Tenant ${slug}`,
        fairnessWeight: 2.5,
        memberships: { create: { userId: admin.id, role: "TENANT_ADMIN" } },
      },
    });
    const key = await prisma.apiKey.create({
      data: {
        tenantId: tenant.id,
        name: "ci",
        prefix: `tsk_${slug}`,
        keyHash: slug.padEnd(64, "0"),
        allowedModels: ["llama-3-8b", "qwen2.5-7b"],
        createdById: admin.id,
      },
    });
    return { admin, tenant, key };
  }

  it("creates a tenant with a member, an API key and a quota", async () => {
    const { tenant, key, admin } = await tenantWithKey("acme");
    const monthly = 50_000_000_000n; // above 2^31: token budgets are bigint
    await prisma.tokenQuota.create({
      data: {
        tenantId: tenant.id,
        model: "llama-3-8b",
        totalTokensPerMonth: monthly,
        outputTokensPerMinute: 200_000n,
        requestsPerMinute: 600,
        concurrentRequests: 32,
      },
    });
    await prisma.tokenQuota.create({
      data: { tenantId: tenant.id, totalTokensPerDay: 1_000_000n },
    });

    const loaded = await prisma.tenant.findUniqueOrThrow({
      where: { slug: "acme" },
      include: { apiKeys: true, quotas: { orderBy: { model: "asc" } }, memberships: true },
    });
    expect(tenant.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // UUIDv7
    expect(loaded.status).toBe("ACTIVE");
    expect(loaded.fairnessWeight).toBe(2.5);
    expect(loaded.memberships).toMatchObject([{ userId: admin.id, role: "TENANT_ADMIN" }]);
    expect(loaded.apiKeys.map((k) => k.id)).toEqual([key.id]);
    expect(loaded.apiKeys[0]?.allowedModels).toEqual(["llama-3-8b", "qwen2.5-7b"]);
    expect(loaded.quotas.map((q) => q.model)).toEqual(["*", "llama-3-8b"]);
    expect(loaded.quotas[1]?.totalTokensPerMonth).toBe(monthly);
    expect(loaded.quotas[1]?.inputTokensPerMinute).toBeNull();

    // The key is found by its hash, and the hash is unique.
    await expect(
      prisma.apiKey.findUnique({ where: { keyHash: "acme".padEnd(64, "0") } }),
    ).resolves.toMatchObject({ id: key.id });
    await expect(
      prisma.apiKey.create({
        data: { tenantId: tenant.id, name: "dup", prefix: "tsk_other", keyHash: key.keyHash },
      }),
    ).rejects.toMatchObject({ code: "P2002" });
    // One quota row per tenant and model.
    await expect(
      prisma.tokenQuota.create({ data: { tenantId: tenant.id, model: "llama-3-8b" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("ingests usage idempotently by request id and keeps billing history from being deleted", async () => {
    const { tenant, key } = await tenantWithKey("globex");
    const event = {
      requestId: "req-0001",
      tenantId: tenant.id,
      apiKeyId: key.id,
      model: "llama-3-8b",
      modelServer: "default/llama",
      endpoint: "10.0.3.7:8000",
      inputTokens: 812,
      cachedInputTokens: 512,
      outputTokens: 128,
      ttftMs: 95,
      durationMs: 2310,
      statusCode: 200,
      outcome: "SUCCESS" as const,
      occurredAt: new Date("2026-11-24T08:00:00.000Z"),
    };
    // The usage stream is at-least-once: the same event may arrive twice.
    const first = await prisma.usageRecord.createMany({ data: [event], skipDuplicates: true });
    const replay = await prisma.usageRecord.createMany({
      data: [event, { ...event, requestId: "req-0002", outputTokens: 7 }],
      skipDuplicates: true,
    });
    expect(first.count).toBe(1);
    expect(replay.count).toBe(1);
    const rows = await prisma.usageRecord.findMany({
      where: { tenantId: tenant.id },
      orderBy: { requestId: "asc" },
    });
    expect(rows.map((r) => [r.requestId, r.outputTokens])).toEqual([
      ["req-0001", 128],
      ["req-0002", 7],
    ]);
    expect(typeof rows[0]?.id).toBe("bigint");
    await expect(prisma.usageRecord.create({ data: event })).rejects.toMatchObject({
      code: "P2002",
    });

    // Daily rollup: one row per (tenant, key, model, day), incremented in place.
    const day = new Date("2026-11-24T00:00:00.000Z");
    const where = {
      tenantId_apiKeyId_model_day: {
        tenantId: tenant.id,
        apiKeyId: key.id,
        model: "llama-3-8b",
        day,
      },
    };
    for (const r of rows) {
      await prisma.usageDaily.upsert({
        where,
        create: {
          tenantId: tenant.id,
          apiKeyId: key.id,
          model: "llama-3-8b",
          day,
          requestCount: 1n,
          inputTokens: BigInt(r.inputTokens),
          outputTokens: BigInt(r.outputTokens),
        },
        update: {
          requestCount: { increment: 1n },
          inputTokens: { increment: BigInt(r.inputTokens) },
          outputTokens: { increment: BigInt(r.outputTokens) },
        },
      });
    }
    await expect(prisma.usageDaily.findUniqueOrThrow({ where })).resolves.toMatchObject({
      requestCount: 2n,
      inputTokens: 1624n,
      outputTokens: 135n,
    });

    // A tenant or key with usage cannot be hard-deleted (archive/revoke instead).
    await expect(prisma.tenant.delete({ where: { id: tenant.id } })).rejects.toBeInstanceOf(
      Prisma.PrismaClientKnownRequestError,
    );
    await expect(prisma.apiKey.delete({ where: { id: key.id } })).rejects.toBeInstanceOf(
      Prisma.PrismaClientKnownRequestError,
    );
    expect(await prisma.usageRecord.count({ where: { tenantId: tenant.id } })).toBe(2);
  });

  it("versions topology designs and keeps deployments and audit entries consistent on delete", async () => {
    const user = await prisma.user.create({
      data: { email: "ops@example.com", platformRole: "OPERATOR" },
    });
    const cluster = await prisma.cluster.create({
      data: {
        name: "gpu-east",
        displayName: "GPU East",
        apiServer: "https://10.0.0.1:6443",
        kubeconfigCiphertext: Buffer.from([1, 2, 3]),
        kubeconfigNonce: Buffer.alloc(12, 7),
        kubeconfigKeyId: "k1",
        labels: { region: "us-east", gpu: "h100" },
      },
    });
    const design = await prisma.topologyDesign.create({
      data: {
        name: "llama-70b-pd",
        createdById: user.id,
        latestVersion: 2,
        versions: {
          create: [
            {
              version: 1,
              spec: { prefill: 2, decode: 4 },
              specHash: "a".repeat(64),
              createdById: user.id,
            },
            {
              version: 2,
              spec: { prefill: 2, decode: 6 },
              specHash: "b".repeat(64),
              createdById: user.id,
            },
          ],
        },
      },
      include: { versions: { orderBy: { version: "asc" } } },
    });
    await expect(
      prisma.topologyDesignVersion.create({
        data: { designId: design.id, version: 2, spec: {}, specHash: "c".repeat(64) },
      }),
    ).rejects.toMatchObject({ code: "P2002" });

    const v2 = design.versions[1];
    if (!v2) throw new Error("version 2 missing");
    const deployment = await prisma.deployment.create({
      data: {
        clusterId: cluster.id,
        namespace: "llm",
        name: "llama-70b",
        designVersionId: v2.id,
        manifests: [{ apiVersion: "workload.serving.volcano.sh/v1alpha1", kind: "ModelServing" }],
        manifestHash: "d".repeat(64),
        status: "APPLIED",
        appliedById: user.id,
        appliedAt: new Date(),
      },
    });
    await prisma.auditLog.create({
      data: {
        actorType: "USER",
        actorUserId: user.id,
        actorLabel: user.email,
        action: "deployment.apply",
        targetType: "deployment",
        targetId: deployment.id,
        clusterId: cluster.id,
        after: { revision: 1 },
      },
    });

    // Deleting the design removes its versions; the deployment stays, unlinked.
    await prisma.topologyDesign.delete({ where: { id: design.id } });
    expect(await prisma.topologyDesignVersion.count({ where: { designId: design.id } })).toBe(0);
    await expect(
      prisma.deployment.findUniqueOrThrow({ where: { id: deployment.id } }),
    ).resolves.toMatchObject({
      designVersionId: null,
    });
    // Removing the cluster removes its deployment records; the audit log outlives both.
    await prisma.cluster.delete({ where: { id: cluster.id } });
    expect(await prisma.deployment.count({ where: { id: deployment.id } })).toBe(0);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { targetId: deployment.id } });
    expect(audit).toMatchObject({
      clusterId: null,
      actorLabel: "ops@example.com",
      action: "deployment.apply",
    });
  });
});

describe("the package under plain Node (type stripping, no bundler)", () => {
  it("imports @tessera/db with the generated client and queries through the adapter", async () => {
    const url = await server.createDatabase();
    const script = `
      import { createPrismaClient, migrate, TenantStatus } from "@tessera/db";
      const url = process.argv[1];
      await migrate(url);
      const prisma = createPrismaClient(url);
      const t = await prisma.tenant.create({ data: { slug: "plain-node", name: "Plain" } });
      console.log(JSON.stringify({ active: t.status === TenantStatus.ACTIVE, n: await prisma.tenant.count() }));
      await prisma.$disconnect();`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script, url],
      { cwd: import.meta.dirname },
    );
    expect(JSON.parse(stdout.trim())).toEqual({ active: true, n: 1 });
  });
});
