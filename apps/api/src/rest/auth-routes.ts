// Login and logout: plain REST because they set cookies. Login is rate limited per IP.
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { validationError } from "../errors.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../plugins/auth.ts";
import type { AuthService } from "../services/auth.ts";

const LoginSchema = z.strictObject({ email: z.email(), password: z.string().min(1).max(200) });

export function registerAuthRoutes(
  app: FastifyInstance,
  opts: { auth: AuthService; secureCookies: boolean; loginRateLimit: number },
): void {
  const cookie = { path: "/", sameSite: "strict" as const, secure: opts.secureCookies };
  app.post(
    "/v1/auth/login",
    { config: { rateLimit: { max: opts.loginRateLimit, timeWindow: "1 minute" } } },
    async (req, reply) => {
      const parsed = LoginSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        throw validationError(parsed.error, (p) => `body.${p.map(String).join(".")}`);
      const session = await opts.auth.login(parsed.data.email, parsed.data.password, {
        requestId: req.id,
        ip: req.ip,
        userAgent: req.headers["user-agent"],
      });
      const csrfToken = randomBytes(24).toString("base64url");
      void reply.setCookie(SESSION_COOKIE, session.token, {
        ...cookie,
        httpOnly: true,
        expires: session.expiresAt,
      });
      // Readable by the console's script, which echoes it in x-csrf-token.
      void reply.setCookie(CSRF_COOKIE, csrfToken, {
        ...cookie,
        httpOnly: false,
        expires: session.expiresAt,
      });
      return { user: session.user, expiresAt: session.expiresAt, token: session.token, csrfToken };
    },
  );
  app.post("/v1/auth/logout", async (req, reply) => {
    await opts.auth.logout(req.actor);
    void reply.clearCookie(SESSION_COOKIE, { path: "/" }).clearCookie(CSRF_COOKIE, { path: "/" });
    return { ok: true };
  });
}
