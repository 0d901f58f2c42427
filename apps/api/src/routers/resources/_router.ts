import { query, router } from "../../trpc/init.ts";
import { listResources } from "./list.handler.ts";

export const resourcesProcedures = [listResources];

export const resourcesRouter = router({
  list: query(listResources),
});
