import { mutation, query, router } from "../../trpc/init.ts";
import { listQuotas } from "./list.handler.ts";
import { removeQuota } from "./remove.handler.ts";
import { setQuota } from "./set.handler.ts";

export const quotasProcedures = [listQuotas, setQuota, removeQuota];

export const quotasRouter = router({
  list: query(listQuotas),
  set: mutation(setQuota),
  remove: mutation(removeQuota),
});
