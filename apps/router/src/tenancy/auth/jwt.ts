// JWT bearer authentication against a JWKS (as Kthena's router offers it), via `jose`. The tenant
// comes from a claim (default "tessera.io/tenant"); the caller is `sub` (with `iss`), which usage
// records carry as a jwt credential. A token without `sub` is refused: its usage could be metered
// to nobody.
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { JWTVerifyGetKey } from "jose";

export interface JwtOptions {
  jwksUrl: string;
  issuer?: string;
  audience?: string;
  tenantClaim?: string;
}

export interface JwtIdentity {
  readonly tenant: string;
  readonly subject: string;
  readonly issuer: string | null;
  readonly models: readonly string[] | null;
}

export function looksLikeJwt(token: string): boolean {
  return token.startsWith("ey") && token.split(".").length === 3;
}

export class JwtVerifier {
  readonly #jwks: JWTVerifyGetKey;
  readonly #opts: JwtOptions;

  constructor(opts: JwtOptions, jwks?: JWTVerifyGetKey) {
    this.#opts = opts;
    this.#jwks = jwks ?? createRemoteJWKSet(new URL(opts.jwksUrl));
  }

  /** null when the token is not valid (signature, expiry, issuer, audience, no tenant or sub). */
  async verify(token: string): Promise<JwtIdentity | null> {
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        ...(this.#opts.issuer !== undefined ? { issuer: this.#opts.issuer } : {}),
        ...(this.#opts.audience !== undefined ? { audience: this.#opts.audience } : {}),
      });
      const tenant = payload[this.#opts.tenantClaim ?? "tessera.io/tenant"];
      if (typeof tenant !== "string" || tenant === "") return null;
      if (typeof payload.sub !== "string" || payload.sub === "") return null;
      const models = payload.models;
      return {
        tenant,
        subject: payload.sub,
        issuer: typeof payload.iss === "string" && payload.iss !== "" ? payload.iss : null,
        models: Array.isArray(models) ? models.filter((m) => typeof m === "string") : null,
      };
    } catch {
      return null;
    }
  }
}
