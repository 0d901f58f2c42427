import { defineProcedure } from "../../trpc/procedure.ts";
import { ZMeInputSchema } from "./me.schema.ts";

export const me = defineProcedure({
  name: "auth.me",
  type: "query",
  rest: { method: "GET", path: "/v1/auth/me" },
  access: "authed",
  summary: "The caller: a user with platform role and tenant roles, or a tenant API key",
  tags: ["auth"],
  input: ZMeInputSchema,
  handler: ({ ctx }) => {
    const a = ctx.actor;
    return Promise.resolve(
      a.type === "user"
        ? {
            type: "user" as const,
            userId: a.userId,
            email: a.email,
            platformRole: a.platformRole,
            tenants: [...a.memberships].map(([tenantId, role]) => ({ tenantId, role })),
          }
        : { type: "apiKey" as const, apiKeyId: a.apiKeyId, prefix: a.prefix, tenantId: a.tenantId },
    );
  },
});
