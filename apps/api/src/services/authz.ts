// Authorization by role and tenant scope, shared by the tRPC middlewares and the REST routes.
import { ApiError } from "../errors.ts";
import type { Access, Actor, TenantRoleName } from "../trpc/procedure.ts";

export function tenantRoleOf(
  actor: Actor,
  tenantId: string,
): TenantRoleName | "PLATFORM_ADMIN" | undefined {
  if (actor.type === "apiKey") return actor.tenantId === tenantId ? "VIEWER" : undefined;
  if (actor.platformRole === "ADMIN") return "PLATFORM_ADMIN";
  return actor.memberships.get(tenantId);
}

/** The `tenantId` field of an input, if it has one. */
export function tenantIdOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || !("tenantId" in input)) return undefined;
  return typeof input.tenantId === "string" ? input.tenantId : undefined;
}

/**
 * Throws unless `actor` may call a procedure with this access rule on this tenant. The tenant is
 * checked first: a caller outside the tenant gets 404 from every operation that names it, whatever
 * the operation's role requirement, so tenants cannot learn about each other. Runs before input
 * validation (tRPC: on the raw input; REST: on the path), so a 400 cannot leak either.
 */
export function authorize(access: Access, actor: Actor | null, tenantId: string | undefined): void {
  if (access === "public") return;
  if (!actor) throw new ApiError("API_ERR_UNAUTHENTICATED");
  let tenantRole: ReturnType<typeof tenantRoleOf>;
  if (tenantId !== undefined) {
    tenantRole = tenantRoleOf(actor, tenantId);
    if (!tenantRole) throw new ApiError("API_ERR_NOT_FOUND", "tenant not found");
  }
  switch (access) {
    case "authed":
      return;
    case "user":
      if (actor.type !== "user") throw new ApiError("API_ERR_FORBIDDEN", "Needs a user session");
      return;
    case "operator":
      if (actor.type !== "user" || actor.platformRole === "MEMBER") {
        throw new ApiError("API_ERR_FORBIDDEN", "Needs the platform operator or admin role");
      }
      return;
    case "admin":
      if (actor.type !== "user" || actor.platformRole !== "ADMIN") {
        throw new ApiError("API_ERR_FORBIDDEN", "Needs the platform admin role");
      }
      return;
    case "tenant-viewer":
    case "tenant-admin":
      // Without a tenant id the input is invalid; validation reports it (the handler never runs).
      if (tenantId === undefined) return;
      if (access === "tenant-admin" && tenantRole === "VIEWER") {
        throw new ApiError("API_ERR_FORBIDDEN", "Needs the tenant admin role");
      }
      return;
  }
}

export function actorLabel(actor: Actor | null): string {
  if (!actor) return "system";
  return actor.type === "user" ? actor.email : `key:${actor.prefix}`;
}
