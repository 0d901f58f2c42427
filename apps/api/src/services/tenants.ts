// Tenants and their members. Every mutation is audited and pushed to the clusters (tenant-sync).
import { ApiError, notFound } from "../errors.ts";
import { isUniqueViolation } from "../repositories/db.ts";
import type { Repositories } from "../repositories/index.ts";
import type { Actor, TenantRoleName } from "../trpc/procedure.ts";
import type { AuditService, Caller } from "./audit.ts";

type TenantRow = NonNullable<Awaited<ReturnType<Repositories["tenants"]["findById"]>>>;

export const tenantDto = (t: TenantRow) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  description: t.description,
  fairnessWeight: t.fairnessWeight,
  priorityClass: t.priorityClass,
  status: t.status,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});
export type TenantDto = ReturnType<typeof tenantDto>;

export interface TenantsDeps {
  repos: Repositories;
  audit: AuditService;
  /** Called after any change that clusters must see. */
  onChange: () => void;
}

export function tenantsService({ repos, audit, onChange }: TenantsDeps) {
  const get = async (id: string) => {
    const t = await repos.tenants.findById(id);
    if (!t) throw notFound("tenant");
    return t;
  };
  return {
    async create(
      caller: Caller,
      input: {
        slug: string;
        name: string;
        description?: string | undefined;
        fairnessWeight?: number | undefined;
        priorityClass?: string | undefined;
      },
    ) {
      try {
        const t = tenantDto(
          await repos.tenants.create({
            slug: input.slug,
            name: input.name,
            description: input.description ?? null,
            fairnessWeight: input.fairnessWeight ?? 1,
            priorityClass: input.priorityClass ?? null,
          }),
        );
        await audit.record(caller, {
          action: "tenant.create",
          targetType: "Tenant",
          targetId: t.id,
          tenantId: t.id,
          after: t,
        });
        onChange();
        return t;
      } catch (e) {
        if (isUniqueViolation(e))
          throw new ApiError("API_ERR_CONFLICT", `tenant "${input.slug}" already exists`);
        throw e;
      }
    },
    /** Platform admins see every tenant; others the tenants they belong to. */
    async list(actor: Actor) {
      const ids =
        actor.type === "apiKey"
          ? [actor.tenantId]
          : actor.platformRole === "ADMIN"
            ? undefined
            : [...actor.memberships.keys()];
      return (await repos.tenants.list({ ids })).map(tenantDto);
    },
    get: async (id: string) => tenantDto(await get(id)),
    async update(
      caller: Caller,
      id: string,
      patch: {
        name?: string | undefined;
        description?: string | null | undefined;
        fairnessWeight?: number | undefined;
        priorityClass?: string | null | undefined;
        status?: "ACTIVE" | "SUSPENDED" | "ARCHIVED" | undefined;
      },
    ) {
      const before = tenantDto(await get(id));
      const after = tenantDto(
        await repos.tenants.update(id, {
          ...patch,
          ...(patch.status === "SUSPENDED" && before.status !== "SUSPENDED"
            ? { suspendedAt: new Date() }
            : {}),
          ...(patch.status === "ACTIVE" ? { suspendedAt: null } : {}),
        }),
      );
      await audit.record(caller, {
        action: "tenant.update",
        targetType: "Tenant",
        targetId: id,
        tenantId: id,
        before,
        after,
      });
      onChange();
      return after;
    },
    async members(tenantId: string) {
      await get(tenantId);
      const rows = await repos.tenants.listMembers(tenantId);
      return rows.map((m) => ({
        userId: m.userId,
        email: m.user.email,
        displayName: m.user.displayName,
        role: m.role,
        since: m.createdAt,
      }));
    },
    async setMember(caller: Caller, tenantId: string, userId: string, role: TenantRoleName) {
      await get(tenantId);
      if (!(await repos.users.findById(userId))) throw notFound("user");
      const m = await repos.tenants.upsertMember(tenantId, userId, role);
      await audit.record(caller, {
        action: "tenant.member.set",
        targetType: "TenantMembership",
        targetId: userId,
        tenantId,
        after: { userId, role },
      });
      return { userId: m.userId, role: m.role };
    },
    async removeMember(caller: Caller, tenantId: string, userId: string) {
      const { count } = await repos.tenants.removeMember(tenantId, userId);
      if (count === 0) throw notFound("member");
      await audit.record(caller, {
        action: "tenant.member.remove",
        targetType: "TenantMembership",
        targetId: userId,
        tenantId,
        before: { userId },
      });
      return { removed: true };
    },
  };
}
export type TenantsService = ReturnType<typeof tenantsService>;
