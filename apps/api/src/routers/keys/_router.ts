import { mutation, query, router } from "../../trpc/init.ts";
import { createKey } from "./create.handler.ts";
import { getKey } from "./get.handler.ts";
import { listKeys } from "./list.handler.ts";
import { revokeKey } from "./revoke.handler.ts";

export const keysProcedures = [createKey, listKeys, getKey, revokeKey];

export const keysRouter = router({
  create: mutation(createKey),
  list: query(listKeys),
  get: query(getKey),
  revoke: mutation(revokeKey),
});
