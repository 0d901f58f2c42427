// Resolves the caller of every request — a `tessera_session` cookie, or `Authorization: Bearer`
// with a session token (`tss_…`) or a tenant API key (`tsk_…`) — and enforces CSRF for cookie
// sessions: state-changing requests must echo the `tessera_csrf` cookie in `x-csrf-token`
// (double-submit; the cookie is SameSite=Strict as well).
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type {} from "@fastify/cookie";
import { ApiError } from "../errors.ts";
import { safeEqual } from "../lib/crypto.ts";
import type { AuthService } from "../services/auth.ts";
import type { Actor } from "../trpc/procedure.ts";

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export const SESSION_COOKIE = "tessera_session";
export const CSRF_COOKIE = "tessera_csrf";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Routes that work without a session (login creates one). */
const CSRF_EXEMPT = new Set(["/v1/auth/login"]);

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

export const authPlugin = fp(
  (app: FastifyInstance, opts: { auth: AuthService }, done: () => void) => {
    app.decorateRequest("actor", null);
    app.addHook("preHandler", async (req) => {
      const token = bearer(req);
      if (token) {
        req.actor = await opts.auth.resolveBearer(token);
        if (!req.actor)
          throw new ApiError("API_ERR_UNAUTHENTICATED", "Invalid, expired or revoked token");
        return;
      }
      const cookie = req.cookies[SESSION_COOKIE];
      if (!cookie) return;
      req.actor = await opts.auth.actorFromSession(cookie, "cookie");
      if (
        req.actor &&
        !SAFE_METHODS.has(req.method) &&
        !CSRF_EXEMPT.has(req.routeOptions.url ?? "")
      ) {
        const sent = req.headers[CSRF_HEADER];
        const expected = req.cookies[CSRF_COOKIE];
        if (typeof sent !== "string" || !expected || !safeEqual(sent, expected))
          throw new ApiError("API_ERR_CSRF");
      }
    });
    done();
  },
  { name: "tessera-auth", dependencies: ["@fastify/cookie"] },
);
