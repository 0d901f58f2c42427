import { mutation, query, router } from "../../trpc/init.ts";
import { createUser } from "./create-user.handler.ts";
import { me } from "./me.handler.ts";
import { listUsers, updateUser } from "./users.handler.ts";

// Login and logout set cookies, so they are plain REST routes (rest/auth-routes.ts).
export const authProcedures = [me, createUser, listUsers, updateUser];

export const authRouter = router({
  me: query(me),
  createUser: mutation(createUser),
  listUsers: query(listUsers),
  updateUser: mutation(updateUser),
});
