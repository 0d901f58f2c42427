// API key index: the router only ever sees SHA-256 hashes of keys (ApiKey.spec.keyHash). A
// presented bearer token is hashed and looked up by hash; the final comparison is constant-time
// (timingSafeEqual over the 32-byte digests). The map lookup itself is keyed by the hash of the
// secret, so its timing can reveal nothing usable about the key.
import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKeyObject, TenantObject } from "../../sources/objects.ts";

export interface KeyEntry {
  /** ApiKey object name (the API's key id; `apiKeyId` in usage records). */
  readonly id: string;
  readonly tenant: string;
  readonly prefix: string;
  readonly digest: Buffer;
  /** Empty: every model. */
  readonly models: ReadonlySet<string>;
  /** Epoch ms; Infinity when the key never expires. */
  readonly expiresAt: number;
  readonly revoked: boolean;
}

export interface TenantEntry {
  readonly name: string;
  readonly weight: number;
  readonly priorityClass: string | null;
  readonly suspended: boolean;
  readonly quotas: TenantObject["spec"]["quotas"];
}

export type AuthResult =
  | { readonly ok: true; readonly key: KeyEntry; readonly tenant: TenantEntry }
  | {
      readonly ok: false;
      readonly status: 401 | 403;
      readonly code: string;
      readonly message: string;
    };

export function hashKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

export function bearerToken(header: string | string[] | undefined): string | null {
  const h = Array.isArray(header) ? header[0] : header;
  if (h === undefined) return null;
  const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(h);
  return m === null ? null : (m[1] as string);
}

export class ApiKeyIndex {
  readonly #byHash = new Map<string, KeyEntry>();
  readonly tenants = new Map<string, TenantEntry>();

  constructor(tenants: readonly TenantObject[], keys: readonly ApiKeyObject[]) {
    for (const t of tenants) {
      const tname = t.metadata.name ?? "";
      this.tenants.set(tname, {
        name: tname,
        weight: t.spec.weight,
        priorityClass: t.spec.priorityClass ?? null,
        suspended: t.spec.suspended,
        quotas: t.spec.quotas,
      });
    }
    for (const k of keys) {
      const exp = k.spec.expiresAt !== undefined ? Date.parse(k.spec.expiresAt) : Infinity;
      this.#byHash.set(k.spec.keyHash, {
        id: k.metadata.name ?? "",
        tenant: k.spec.tenant,
        prefix: k.spec.prefix,
        digest: Buffer.from(k.spec.keyHash, "hex"),
        models: new Set(k.spec.models),
        // An unparsable expiry fails closed.
        expiresAt: Number.isNaN(exp) ? 0 : exp,
        revoked: k.spec.revoked,
      });
    }
  }

  get size(): number {
    return this.#byHash.size;
  }

  authenticate(token: string | null, model: string, now: number): AuthResult {
    if (token === null)
      return { ok: false, status: 401, code: "invalid_api_key", message: "missing bearer API key" };
    const digest = hashKey(token);
    const entry = this.#byHash.get(digest.toString("hex"));
    if (entry === undefined || !timingSafeEqual(entry.digest, digest))
      return { ok: false, status: 401, code: "invalid_api_key", message: "invalid API key" };
    if (entry.revoked)
      return { ok: false, status: 401, code: "invalid_api_key", message: "API key revoked" };
    if (now >= entry.expiresAt)
      return { ok: false, status: 401, code: "invalid_api_key", message: "API key expired" };
    const tenant = this.tenants.get(entry.tenant);
    if (tenant === undefined)
      return { ok: false, status: 401, code: "invalid_api_key", message: "API key has no tenant" };
    if (tenant.suspended)
      return { ok: false, status: 403, code: "permission_denied", message: "tenant is suspended" };
    if (entry.models.size > 0 && !entry.models.has(model))
      return {
        ok: false,
        status: 403,
        code: "permission_denied",
        message: `API key may not call model "${model}"`,
      };
    return { ok: true, key: entry, tenant };
  }
}
