import { describe, expect, it } from "vitest";
import { validateManifest } from "../../validate/validate-manifest.ts";
import { ApiKeyObjectSchema, TenantObjectSchema } from "./index.ts";

const tenant = {
  apiVersion: "tessera.io/v1alpha1",
  kind: "Tenant",
  metadata: { name: "acme", namespace: "tessera-system" },
  spec: {
    weight: 2,
    quotas: [
      { model: "*", totalTokensPerMinute: 10000 },
      { model: "llama", requestsPerMinute: 60 },
    ],
  },
};
const key = {
  apiVersion: "tessera.io/v1alpha1",
  kind: "ApiKey",
  metadata: { name: "0190a1b2-0000-7000-8000-000000000001", namespace: "tessera-system" },
  spec: {
    tenant: "acme",
    keyHash: "a".repeat(64),
    prefix: "tsk_abcdefgh",
    models: ["llama"],
    expiresAt: "2027-01-01T00:00:00Z",
  },
};

describe("tessera.io kinds", () => {
  it("parse router-facing objects with defaults", () => {
    expect(TenantObjectSchema.parse(tenant).spec).toMatchObject({ weight: 2, suspended: false });
    expect(ApiKeyObjectSchema.parse(key).spec.revoked).toBe(false);
    expect(validateManifest(key)).toMatchObject({ ok: true, kind: "ApiKey" });
  });

  it("reject what a router could not use", () => {
    const badHash = validateManifest({ ...key, spec: { ...key.spec, keyHash: "not-hex" } });
    expect(badHash).toMatchObject({ ok: false, issues: [{ path: "spec.keyHash" }] });
    const negative = validateManifest({
      ...tenant,
      spec: { quotas: [{ model: "*", requestsPerMinute: -1 }] },
    });
    expect(negative).toMatchObject({
      ok: false,
      issues: [{ path: "spec.quotas[0].requestsPerMinute" }],
    });
    expect(validateManifest({ ...tenant, spec: { weight: 0 } })).toMatchObject({ ok: false });
  });
});
