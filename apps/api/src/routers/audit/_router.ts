import { query, router } from "../../trpc/init.ts";
import { listAudit } from "./list.handler.ts";
import { tenantAudit } from "./tenant.handler.ts";

export const auditProcedures = [listAudit, tenantAudit];

export const auditRouter = router({
  list: query(listAudit),
  tenant: query(tenantAudit),
});
