import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { ApiKeyIndex, bearerToken, hashKey } from "./api-keys.ts";
import { JwtVerifier, looksLikeJwt } from "./jwt.ts";

const TV = "tessera.io/v1alpha1" as const;
const tenant = (name: string, suspended = false) => ({
  apiVersion: TV,
  kind: "Tenant" as const,
  metadata: { name },
  spec: { weight: 1, suspended, quotas: [] },
});
const key = (id: string, t: string, secret: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: TV,
  kind: "ApiKey" as const,
  metadata: { name: id },
  spec: {
    tenant: t,
    keyHash: hashKey(secret).toString("hex"),
    prefix: secret.slice(0, 4),
    models: [],
    revoked: false,
    ...spec,
  },
});

describe("ApiKeyIndex", () => {
  const now = Date.UTC(2026, 0, 1);
  const idx = new ApiKeyIndex(
    [tenant("a"), tenant("s", true)],
    [
      key("k1", "a", "sk-one"),
      key("k2", "a", "sk-two", { models: ["m1"] }),
      key("k3", "a", "sk-old", { expiresAt: new Date(now).toISOString() }),
      key("k4", "a", "sk-rev", { revoked: true }),
      key("k5", "s", "sk-sus"),
      key("k6", "ghost", "sk-ghost"),
    ],
  );

  it("resolves a key to its tenant and enforces model scope, expiry, revocation, suspension", () => {
    const ok = idx.authenticate("sk-one", "m", now);
    expect(ok.ok && ok.key.id === "k1" && ok.tenant.name === "a").toBe(true);
    expect(idx.authenticate("sk-two", "m1", now).ok).toBe(true);
    const scoped = idx.authenticate("sk-two", "m2", now);
    expect(!scoped.ok && scoped.status).toBe(403);
    expect(idx.authenticate("sk-old", "m", now - 1).ok).toBe(true);
    const expired = idx.authenticate("sk-old", "m", now);
    expect(!expired.ok && expired.message).toBe("API key expired");
    expect(idx.authenticate("sk-rev", "m", now).ok).toBe(false);
    const sus = idx.authenticate("sk-sus", "m", now);
    expect(!sus.ok && sus.status).toBe(403);
    expect(idx.authenticate("sk-ghost", "m", now).ok).toBe(false);
    expect(idx.authenticate("sk-onf", "m", now).ok).toBe(false);
    expect(idx.authenticate(null, "m", now).ok).toBe(false);
  });

  it("parses bearer headers strictly", () => {
    expect(bearerToken("Bearer sk-1")).toBe("sk-1");
    expect(bearerToken("bearer   sk-1 ")).toBe("sk-1");
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe("JwtVerifier", () => {
  it("accepts a token signed by a JWKS key with a tenant claim and rejects the rest", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const other = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k", alg: "ES256" };
    const v = new JwtVerifier(
      { jwksUrl: "http://unused.invalid/jwks", issuer: "iss", audience: "tessera" },
      createLocalJWKSet({ keys: [jwk] }),
    );
    const sign = (claims: Record<string, unknown>, k = privateKey, exp: string | number = "5m") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k" })
        .setIssuer("iss")
        .setAudience("tessera")
        .setSubject("user-1")
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(k);
    const good = await sign({ "tessera.io/tenant": "a", models: ["m"] });
    expect(looksLikeJwt(good)).toBe(true);
    expect(await v.verify(good)).toEqual({
      tenant: "a",
      subject: "user-1",
      issuer: "iss",
      models: ["m"],
    });
    expect(await v.verify(await sign({}))).toBeNull(); // no tenant claim
    const noSub = await new SignJWT({ "tessera.io/tenant": "a" })
      .setProtectedHeader({ alg: "ES256", kid: "k" })
      .setIssuer("iss")
      .setAudience("tessera")
      .setExpirationTime("5m")
      .sign(privateKey);
    expect(await v.verify(noSub)).toBeNull(); // usage could not name the caller
    expect(await v.verify(await sign({ "tessera.io/tenant": "a" }, other.privateKey))).toBeNull();
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await v.verify(await sign({ "tessera.io/tenant": "a" }, privateKey, past))).toBeNull();
  });
});
