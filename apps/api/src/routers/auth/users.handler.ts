import { ApiError, notFound } from "../../errors.ts";
import { defineProcedure } from "../../trpc/procedure.ts";
import { ZListUsersInputSchema, ZUpdateUserInputSchema } from "./users.schema.ts";

export const listUsers = defineProcedure({
  name: "auth.listUsers",
  type: "query",
  rest: { method: "GET", path: "/v1/users" },
  access: "admin",
  summary: "Users with their platform role",
  tags: ["auth"],
  input: ZListUsersInputSchema,
  handler: ({ ctx }) => ctx.services.repos.users.list(),
});

export const updateUser = defineProcedure({
  name: "auth.updateUser",
  type: "mutation",
  rest: { method: "PATCH", path: "/v1/users/{userId}" },
  access: "admin",
  summary: "Change a user's platform role or disable them",
  tags: ["auth"],
  input: ZUpdateUserInputSchema,
  handler: async ({ ctx, input }) => {
    const before = await ctx.services.repos.users.findById(input.userId);
    if (!before) throw notFound("user");
    if (
      ctx.actor.type === "user" &&
      ctx.actor.userId === input.userId &&
      (input.disabled || (input.platformRole && input.platformRole !== "ADMIN"))
    ) {
      throw new ApiError("API_ERR_CONFLICT", "you cannot demote or disable yourself");
    }
    const after = await ctx.services.repos.users.update(input.userId, {
      displayName: input.displayName,
      platformRole: input.platformRole,
      ...(input.disabled === undefined ? {} : { disabledAt: input.disabled ? new Date() : null }),
    });
    if (input.disabled) await ctx.services.repos.users.revokeSessions(input.userId);
    await ctx.services.audit.record(ctx, {
      action: "user.update",
      targetType: "User",
      targetId: input.userId,
      before,
      after,
    });
    return after;
  },
});
