import { ApiError } from "../../errors.ts";
import { isUniqueViolation } from "../../repositories/db.ts";
import { defineProcedure } from "../../trpc/procedure.ts";
import { ZCreateUserInputSchema } from "./create-user.schema.ts";

export const createUser = defineProcedure({
  name: "auth.createUser",
  type: "mutation",
  rest: { method: "POST", path: "/v1/users" },
  access: "admin",
  summary: "Create a user (platform admin only)",
  tags: ["auth"],
  input: ZCreateUserInputSchema,
  handler: async ({ ctx, input }) => {
    try {
      const user = await ctx.services.auth.createUser(input);
      await ctx.services.audit.record(ctx, {
        action: "user.create",
        targetType: "User",
        targetId: user.id,
        after: user,
      });
      return user;
    } catch (e) {
      if (isUniqueViolation(e))
        throw new ApiError("API_ERR_CONFLICT", `user ${input.email} already exists`);
      throw e;
    }
  },
});
