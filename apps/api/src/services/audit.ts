// Every mutation goes through `record`: who (actor), what (action, target), where (tenant,
// cluster), before and after. Secrets are stripped from before/after by the callers' DTOs.
import type { AuditEntry } from "../repositories/audit.ts";
import type { Repositories } from "../repositories/index.ts";
import { actorLabel } from "./authz.ts";
import type { Actor, RequestMeta } from "../trpc/procedure.ts";

export interface Caller {
  actor: Actor | null;
  request?: RequestMeta | undefined;
}

export type AuditRecord = Pick<
  AuditEntry,
  "action" | "targetType" | "targetId" | "tenantId" | "clusterId" | "before" | "after"
>;

export function auditService(repos: Repositories) {
  return {
    async record(caller: Caller, entry: AuditRecord): Promise<void> {
      const a = caller.actor;
      await repos.audit.append({
        ...entry,
        actorType: !a ? "SYSTEM" : a.type === "user" ? "USER" : "API_KEY",
        actorUserId: a?.type === "user" ? a.userId : null,
        actorApiKeyId: a?.type === "apiKey" ? a.apiKeyId : null,
        actorLabel: actorLabel(a),
        requestId: caller.request?.requestId ?? null,
        ipAddress: caller.request?.ip ?? null,
        userAgent: caller.request?.userAgent ?? null,
      });
    },
    async list(filter: {
      tenantId?: string | undefined;
      clusterId?: string | undefined;
      action?: string | undefined;
      limit: number;
      beforeId?: number | undefined;
    }) {
      const rows = await repos.audit.list(filter);
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    },
  };
}
export type AuditService = ReturnType<typeof auditService>;
