// Operator login (argon2id password hashes, random session tokens stored as SHA-256) and the
// resolution of a request's credentials into an Actor.
import { ApiError } from "../errors.ts";
import { createPasswordHasher, randomToken, sha256Hex } from "../lib/crypto.ts";
import type { PasswordHasher } from "../lib/crypto.ts";
import type { Repositories } from "../repositories/index.ts";
import type { Actor, PlatformRoleName, RequestMeta } from "../trpc/procedure.ts";

export const SESSION_PREFIX = "tss_";
export const API_KEY_PREFIX = "tsk_";

export interface AuthServiceOptions {
  sessionTtlMs: number;
  hasher?: PasswordHasher;
}

export function authService(repos: Repositories, options: AuthServiceOptions) {
  const hasher = options.hasher ?? createPasswordHasher();
  // Verifying against a dummy hash when the user does not exist keeps timing uniform.
  let dummyHash: Promise<string> | undefined;

  return {
    hasher,
    async createUser(input: {
      email: string;
      password?: string | undefined;
      displayName?: string | undefined;
      platformRole: PlatformRoleName;
    }) {
      const passwordHash = input.password ? await hasher.hash(input.password) : null;
      return repos.users.create({
        email: input.email,
        displayName: input.displayName ?? null,
        passwordHash,
        platformRole: input.platformRole,
      });
    },

    /** Creates the first platform admin when the database has no user. */
    async bootstrapAdmin(email: string, password: string): Promise<boolean> {
      if ((await repos.users.count()) > 0) return false;
      await this.createUser({ email, password, platformRole: "ADMIN" });
      return true;
    },

    async login(email: string, password: string, meta: RequestMeta) {
      const user = await repos.users.findByEmailWithHash(email);
      if (!user?.passwordHash || user.disabledAt) {
        dummyHash ??= hasher.hash("not-a-real-password");
        await hasher.verify(password, await dummyHash);
        throw new ApiError("API_ERR_BAD_CREDENTIALS");
      }
      if (!(await hasher.verify(password, user.passwordHash)))
        throw new ApiError("API_ERR_BAD_CREDENTIALS");
      const token = randomToken(SESSION_PREFIX);
      const expiresAt = new Date(Date.now() + options.sessionTtlMs);
      await repos.sessions.create({
        userId: user.id,
        tokenHash: sha256Hex(token),
        expiresAt,
        ipAddress: meta.ip,
        userAgent: meta.userAgent,
      });
      await repos.users.touchLogin(user.id);
      return {
        token,
        expiresAt,
        user: { id: user.id, email: user.email, platformRole: user.platformRole },
      };
    },

    async logout(actor: Actor | null): Promise<void> {
      if (actor?.type === "user") await repos.sessions.revoke(actor.sessionId);
    },

    async actorFromSession(token: string, via: "cookie" | "bearer"): Promise<Actor | null> {
      if (!token.startsWith(SESSION_PREFIX)) return null;
      const session = await repos.sessions.findActiveByHash(sha256Hex(token), new Date());
      if (!session || session.user.disabledAt) return null;
      return {
        type: "user",
        userId: session.user.id,
        email: session.user.email,
        platformRole: session.user.platformRole,
        memberships: await repos.users.memberships(session.user.id),
        via,
        sessionId: session.id,
      };
    },

    /** A tenant API key used as a REST bearer token: a viewer of its own tenant. */
    async actorFromApiKey(token: string): Promise<Actor | null> {
      if (!token.startsWith(API_KEY_PREFIX)) return null;
      const key = await repos.apiKeys.findByHash(sha256Hex(token));
      if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null;
      if (key.tenant.status !== "ACTIVE") return null;
      return { type: "apiKey", apiKeyId: key.id, prefix: key.prefix, tenantId: key.tenantId };
    },

    async resolveBearer(token: string): Promise<Actor | null> {
      if (token.startsWith(SESSION_PREFIX)) return this.actorFromSession(token, "bearer");
      if (token.startsWith(API_KEY_PREFIX)) return this.actorFromApiKey(token);
      return null;
    },
  };
}
export type AuthService = ReturnType<typeof authService>;
