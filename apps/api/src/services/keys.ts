// Tenant API keys: the secret is returned once by `create`; only its SHA-256 is stored and pushed.
import { randomBytes } from "node:crypto";
import { ApiError, notFound } from "../errors.ts";
import { sha256Hex } from "../lib/crypto.ts";
import type { Repositories } from "../repositories/index.ts";
import type { AuditService, Caller } from "./audit.ts";
import { API_KEY_PREFIX } from "./auth.ts";

const PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export function keysService(deps: {
  repos: Repositories;
  audit: AuditService;
  onChange: () => void;
}) {
  const { repos, audit, onChange } = deps;
  return {
    async create(
      caller: Caller,
      input: { tenantId: string; name: string; models: string[]; expiresAt?: Date | undefined },
    ) {
      const tenant = await repos.tenants.findById(input.tenantId);
      if (!tenant) throw notFound("tenant");
      if (tenant.status !== "ACTIVE")
        throw new ApiError("API_ERR_CONFLICT", `tenant is ${tenant.status.toLowerCase()}`);
      if (input.expiresAt && input.expiresAt <= new Date()) {
        throw new ApiError("API_ERR_VALIDATION", "expiresAt: must be in the future", {
          issues: [{ path: "expiresAt", message: "must be in the future" }],
        });
      }
      const secret = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
      const key = await repos.apiKeys.create({
        tenantId: input.tenantId,
        name: input.name,
        prefix: secret.slice(0, PREFIX_LENGTH),
        keyHash: sha256Hex(secret),
        allowedModels: input.models,
        expiresAt: input.expiresAt ?? null,
        createdById: caller.actor?.type === "user" ? caller.actor.userId : null,
      });
      await audit.record(caller, {
        action: "apikey.create",
        targetType: "ApiKey",
        targetId: key.id,
        tenantId: key.tenantId,
        after: key,
      });
      onChange();
      return { key, secret };
    },
    list: (tenantId: string) => repos.apiKeys.list(tenantId),
    async get(tenantId: string, keyId: string) {
      const key = await repos.apiKeys.find(tenantId, keyId);
      if (!key) throw notFound("API key");
      return key;
    },
    async revoke(caller: Caller, tenantId: string, keyId: string) {
      const before = await this.get(tenantId, keyId);
      if (before.revokedAt) return before;
      const after = await repos.apiKeys.revoke(
        keyId,
        caller.actor?.type === "user" ? caller.actor.userId : null,
      );
      await audit.record(caller, {
        action: "apikey.revoke",
        targetType: "ApiKey",
        targetId: keyId,
        tenantId,
        before,
        after,
      });
      onChange();
      return after;
    },
  };
}
export type KeysService = ReturnType<typeof keysService>;
